// Starts a training run on a host: the config snapshot goes into a new run folder, the trainer starts detached
// (setsid or tmux) through the remote kit, and run.json is written there atomically. Secrets travel on stdin only.
import { UserFacingError } from '../errors';
import { kitJson, loadKit, runKit } from './kit';
import { setConfigValue } from '../config';
import { newRunId, type RunRecord } from './runRecord';
import type { RunRegistry } from './registry';
import { singleHostAccelerate, type LaunchTarget } from './targets';

export type WandbChoice = { readonly mode: 'online'; readonly apiKey: string } | { readonly mode: 'offline' };

export interface LaunchRequest {
  /** The Ctrl-World checkout on the host (absolute). */
  readonly workdir: string;
  /** Where the config came from, for the record: a path on the host or "local:<path>". */
  readonly configSource: string;
  readonly configText: string;
  /** The absolute output folder on the host; the run's config snapshot points output_dir here. */
  readonly outputDir: string;
  readonly gpus: readonly number[];
  readonly mainProcessPort: number;
  readonly mixedPrecision?: string;
  readonly totalSteps?: number;
  readonly ckptPath?: string;
  readonly continuedFrom?: RunRecord['continuedFrom'];
  readonly wandb: WandbChoice;
  readonly detach: 'setsid' | 'tmux';
  /** A shell command run before the trainer, e.g. activating a conda environment. */
  readonly envSetup?: string;
  readonly git: RunRecord['git'];
  readonly target?: LaunchTarget;
  readonly runId?: string;
}

export interface LaunchResult {
  readonly runId: string;
  readonly runDir: string;
  readonly outputDir: string;
  readonly pid: number;
  readonly pgid: number;
}

export async function launchRun(registry: RegistryLike, request: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
  if (request.gpus.length === 0) throw new UserFacingError('No GPU was chosen for the run.', 'Pick at least one GPU.', 'no-gpus');
  const target = request.target ?? singleHostAccelerate;
  const root = await registry.root(signal);
  const runId = request.runId ?? newRunId();
  const runDir = `${root}/runs/${runId}`;
  const configModule = runConfigModule(runId);
  const plan = target.plan({
    configModule,
    gpus: request.gpus,
    mainProcessPort: request.mainProcessPort,
    mixedPrecision: request.mixedPrecision,
    ckptPath: request.ckptPath,
    pythonPath: runDir,
  });
  const env: Record<string, string> = { ...plan.env };
  if (request.wandb.mode === 'online') env.WANDB_API_KEY = request.wandb.apiKey;
  else env.WANDB_MODE = 'offline';
  if (request.envSetup?.trim()) env.CWF_ENV_SETUP = request.envSetup.trim();
  if (request.detach === 'tmux') env.CWF_SHOW_LOG = '1';
  for (const [name, value] of Object.entries(env)) {
    if (/[\r\n\0]/.test(value)) throw new UserFacingError(`The value of ${name} holds a line break.`, 'Remove line breaks from the WandB key and the environment setup setting.', 'bad-env');
  }
  const record: Omit<RunRecord, 'runDir' | 'logFile' | 'state' | 'runId'> = {
    schema: 1,
    name: request.outputDir.split('/').filter(Boolean).pop() ?? runId,
    host: registry.host.label,
    outputDir: request.outputDir,
    workdir: request.workdir,
    configSource: request.configSource,
    configSnapshot: `${runDir}/config_snapshot.py`,
    configModule,
    git: request.git,
    gpus: [...request.gpus],
    mainProcessPort: request.mainProcessPort,
    target: target.id,
    detach: request.detach,
    command: plan.argv,
    wandb: request.wandb.mode,
    totalSteps: request.totalSteps,
    continuedFrom: request.continuedFrom,
    startedAt: new Date().toISOString(),
    kitVersion: loadKit().version,
  };
  const files = {
    'config_snapshot.py': request.configText,
    // The run's own module: the user's config with only output_dir's value changed, so checkpoints land in this run's folder.
    [`${configModule}.py`]: setConfigValue(request.configText, 'output_dir', request.outputDir),
  };
  const input = JSON.stringify({ root, runId, outputDir: request.outputDir, workdir: request.workdir, argv: plan.argv, env, detach: request.detach, files, record });
  const result = await runKit(registry.host, root, 'runs.py', ['launch'], { input, signal, timeoutMs: 90_000 });
  const launched = kitJson<Omit<LaunchResult, 'outputDir'>>(result, 'Starting the run', registry.host);
  return { ...launched, outputDir: request.outputDir };
}

type RegistryLike = Pick<RunRegistry, 'root' | 'host'>;

/** The module name a run's config snapshot is imported under: unique, so no other config can shadow it. */
export function runConfigModule(runId: string): string {
  return `ctrl_world_flexiv_run_${runId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
