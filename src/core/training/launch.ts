// Starts a training run on a host: the config snapshot goes into a new run folder, the trainer starts detached
// (setsid or tmux) through the remote kit, and run.json is written there atomically. Secrets travel on stdin only.
import { UserFacingError } from '../errors';
import { kitJson, loadKit, runKit } from './kit';
import { setConfigValue } from '../config';
import { newRunId, type MultiNodeRecord, type RunRecord } from './runRecord';
import type { RunRegistry } from './registry';
import { singleHostAccelerate, type LaunchTarget } from './targets';
import { BATCH_SCRIPT_NAME } from './slurmTarget';

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
  /** This machine's part of a run over several hosts (multiNode.ts launches one request per machine). */
  readonly multiNode?: MultiNodeRecord;
}

export interface LaunchResult {
  readonly runId: string;
  readonly runDir: string;
  readonly outputDir: string;
  /** The supervisor's process (and group) on the host; absent for a job handed to SLURM. */
  readonly pid?: number;
  readonly pgid?: number;
  /** The SLURM job id, for a run submitted with sbatch. */
  readonly jobId?: string;
}

export async function launchRun(
  registry: RegistryLike,
  request: LaunchRequest,
  signal?: AbortSignal,
): Promise<LaunchResult> {
  const root = await registry.root(signal);
  const input = launchInput(request, { root, runId: request.runId ?? newRunId(), hostLabel: registry.host.label });
  const result = await runKit(registry.host, root, 'runs.py', ['launch'], {
    input: JSON.stringify(input),
    signal,
    timeoutMs: 90_000,
  });
  const launched = kitJson<Omit<LaunchResult, 'outputDir'>>(result, 'Starting the run', registry.host);
  return { ...launched, outputDir: request.outputDir };
}

/** Where a run goes: the registry's root on the host, the run's id, and the host's name for the record. */
export interface LaunchPlace {
  readonly root: string;
  readonly runId: string;
  readonly hostLabel: string;
}

/** The request runs.py launch reads on stdin: the trainer's argv and environment, the run's files and record. */
export function launchInput(request: LaunchRequest, place: LaunchPlace) {
  if (request.gpus.length === 0)
    throw new UserFacingError('No GPU was chosen for the run.', 'Pick at least one GPU.', 'no-gpus');
  const target = request.target ?? singleHostAccelerate;
  const { root, runId } = place;
  const runDir = `${root}/runs/${runId}`;
  const plan = target.plan({
    gpus: request.gpus,
    mainProcessPort: request.mainProcessPort,
    mixedPrecision: request.mixedPrecision,
    ckptPath: request.ckptPath,
    pythonPath: `${runDir}/${RUN_CONFIG_FOLDER}`,
    runId,
    runDir,
    workdir: request.workdir,
    envSetup: request.envSetup,
    totalSteps: request.totalSteps,
  });
  const env: Record<string, string> = { ...plan.env };
  if (request.wandb.mode === 'online') env.WANDB_API_KEY = request.wandb.apiKey;
  else {
    env.WANDB_MODE = 'offline';
    // wandb names its folder offline-run-<start>-<WANDB_RUN_ID>: Sync Run to WandB finds it by the run's id, as the
    // log names it only in wandb's exit footer, which a run ended by a signal (a stop, or the supervisor's end at
    // max_train_steps) never prints.
    env.WANDB_RUN_ID = runId;
  }
  // A batch script carries the environment setup itself, and has no supervisor to read the rest.
  if (!plan.batchScript) {
    if (request.envSetup?.trim()) env.CWF_ENV_SETUP = request.envSetup.trim();
    if (request.detach === 'tmux') env.CWF_SHOW_LOG = '1';
    // Ctrl-World trains on past max_train_steps to the end of its epoch; the supervisor ends the run there.
    if (request.totalSteps !== undefined) env.CWF_STOP_AFTER_STEP = String(request.totalSteps);
  }
  for (const [name, value] of Object.entries(env)) {
    if (/[\r\n\0]/.test(value))
      throw new UserFacingError(
        `The value of ${name} holds a line break.`,
        'Remove line breaks from the WandB key and the environment setup setting.',
        'bad-env',
      );
  }
  const record: Omit<RunRecord, 'runDir' | 'logFile' | 'state' | 'runId'> = {
    schema: 1,
    name: request.outputDir.split('/').filter(Boolean).pop() ?? runId,
    host: place.hostLabel,
    outputDir: request.outputDir,
    workdir: request.workdir,
    configSource: request.configSource,
    configSnapshot: `${runDir}/config_snapshot.py`,
    configModule: RUN_CONFIG_MODULE,
    git: request.git,
    gpus: [...request.gpus],
    mainProcessPort: request.mainProcessPort,
    target: target.id,
    detach: request.detach,
    command: plan.argv,
    wandb: request.wandb.mode,
    totalSteps: request.totalSteps,
    continuedFrom: request.continuedFrom,
    multiNode: request.multiNode,
    startedAt: new Date().toISOString(),
    kitVersion: loadKit().version,
  };
  const files: Record<string, string> = {
    'config_snapshot.py': request.configText,
    [`${RUN_CONFIG_FOLDER}/${RUN_CONFIG_MODULE}.py`]: runModuleText(request.configText, request.outputDir),
  };
  if (plan.batchScript) files[BATCH_SCRIPT_NAME] = plan.batchScript;
  return {
    root,
    runId,
    outputDir: request.outputDir,
    workdir: request.workdir,
    argv: plan.argv,
    env,
    detach: request.detach,
    files,
    record,
    // runs.py submits this file of the run folder with sbatch instead of starting argv itself.
    ...(plan.batchScript ? { batchScript: BATCH_SCRIPT_NAME } : {}),
    // Only the main machine writes checkpoints; it alone claims the output folder.
    ...(request.multiNode?.rank ? { claimOutput: false } : {}),
  };
}

type RegistryLike = Pick<RunRegistry, 'root' | 'host'>;

/** How a launched run is known on its host: "pid 1234", or "SLURM job 42" for a submitted one. */
export function launchedAs(launched: Pick<LaunchResult, 'pid' | 'jobId'>): string {
  return launched.jobId ? `SLURM job ${launched.jobId}` : `pid ${launched.pid}`;
}

/** The module every Ctrl-World train_wm.py imports its settings from (`from config import wm_args`). */
export const RUN_CONFIG_MODULE = 'config';
/** The run folder's subfolder that holds only that module, so nothing else in the run folder can be imported. */
export const RUN_CONFIG_FOLDER = 'python';

/** The run's own config: the user's with only output_dir changed, so checkpoints land in the run's folder. */
export function runModuleText(configText: string, outputDir: string): string {
  return setConfigValue(configText, 'output_dir', outputDir);
}
