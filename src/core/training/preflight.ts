// The preflight: reads the config, asks the host everything in two round trips (probe + nvidia-smi) and judges
// each thing that would otherwise fail hours into a run. Its result carries what the launch needs.
import {
  deriveFigures,
  parseConfigDocument,
  validateDocument,
  type ConfigValue,
  type DerivedFigures,
  type TrainingEnvironment,
} from '../config';
import { describeError } from '../errors';
import { queryGpus, type GpuInfo } from '../remote/gpus';
import { resolveRemotePath, type RemoteHost } from '../remote/remoteHost';
import { kitJson, runKit } from './kit';
import type { RunRegistry } from './registry';
import { isActive } from './runRecord';
import { runModuleText, type LaunchRequest } from './launch';
import { trainerArguments } from './targets';
import { slurmPreflight } from './slurmCluster';
import { durationCheck } from './slurmDuration';
import { onNode, sharedFilesystemCheck, SRUN_WAIT_SECONDS, srunOnOneNode } from './slurmComputeNode';
import type { SlurmJobOptions } from './slurmTarget';
import {
  trainerConfigCheck,
  trainerDataCheck,
  trainerImportsCheck,
  trainerProbeRequest,
  validationScheduleNote,
  type TrainerProbeAnswer,
} from './trainerChecks';
import {
  check,
  checkoutCheck,
  PREFLIGHT_CHECKS,
  withWarning,
  configCheck,
  datasetCheck,
  datasetNames,
  diskCheck,
  gpuCheck,
  modelPathsCheck,
  outputDirCheck,
  portCheck,
  pythonEnvCheck,
  REQUIRED_PACKAGES,
  wandbCheck,
  type PreflightCheck,
  type ProbeAnswer,
} from './preflightChecks';

export type ConfigSource =
  | { readonly kind: 'host'; readonly path: string }
  | { readonly kind: 'local'; readonly path: string; readonly text: string };

export interface PreflightInput {
  readonly registry: RunRegistry;
  /** The Ctrl-World checkout on the host (may start with ~). */
  readonly workdir: string;
  readonly config: ConfigSource;
  /** GPU indices; undefined picks every GPU with no process on it. */
  readonly gpus?: readonly number[];
  /** The output folder; undefined uses the config's output_dir (relative to the checkout). */
  readonly outputDir?: string;
  readonly mainProcessPort: number;
  readonly wandb: 'online' | 'offline' | 'no-key';
  readonly detach: 'setsid' | 'tmux';
  readonly envSetup?: string;
  readonly environment?: Partial<TrainingEnvironment>;
  /** The weights the run starts from, passed as upstream's --ckpt_path (Continue from Checkpoint). */
  readonly ckptPath?: string;
  /** A job for SLURM: its partition is checked instead of this host's GPUs and port (a login node has neither). */
  readonly slurm?: SlurmJobOptions;
  /** Told about each check as soon as it is judged, for a checklist with progress. */
  readonly onCheck?: (check: PreflightCheck) => void;
  readonly signal?: AbortSignal;
}

/** What a launch needs once the preflight passed. */
export interface LaunchContext {
  readonly workdir: string;
  readonly configSource: string;
  readonly configText: string;
  readonly values: Record<string, ConfigValue>;
  readonly outputDir: string;
  readonly gpus: readonly number[];
  readonly allGpus: readonly GpuInfo[];
  readonly figures?: DerivedFigures;
  readonly git: { commit: string; dirty: boolean } | null;
}

/** What a passed preflight settles of a launch: checkout, config, output folder, GPUs, commit, precision and steps. */
export function launchBasics(
  context: LaunchContext,
): Pick<
  LaunchRequest,
  'workdir' | 'configSource' | 'configText' | 'outputDir' | 'gpus' | 'git' | 'mixedPrecision' | 'totalSteps'
> {
  const { values } = context;
  return {
    workdir: context.workdir,
    configSource: context.configSource,
    configText: context.configText,
    outputDir: context.outputDir,
    gpus: context.gpus,
    git: context.git,
    mixedPrecision: typeof values.mixed_precision === 'string' ? values.mixed_precision : undefined,
    totalSteps: typeof values.max_train_steps === 'number' ? values.max_train_steps : undefined,
  };
}

export interface PreflightResult {
  readonly checks: readonly PreflightCheck[];
  readonly ok: boolean;
  /** Undefined when the host or the config could not be read at all. */
  readonly context?: LaunchContext;
}

const PREFLIGHT_CHECK_IDS = PREFLIGHT_CHECKS.map(([id]) => id);

export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const checks: PreflightCheck[] = [];
  const add = (item: PreflightCheck) => {
    checks.push(item);
    input.onCheck?.(item);
  };
  const skipRest = (reason: string): PreflightResult => {
    for (const id of PREFLIGHT_CHECK_IDS)
      if (!checks.some((c) => c.id === id)) add(check(id, false, `Not checked: ${reason}`));
    return { checks, ok: false };
  };
  const host = input.registry.host;
  let home: string;
  try {
    home = await host.home(input.signal);
    add(check('reachable', true, `Connected to ${host.label}.`));
  } catch (error) {
    add(check('reachable', false, describeError(error)));
    return skipRest(`${host.label} is unreachable.`);
  }
  const workdir = resolveRemotePath(input.workdir, home);
  const configFile =
    input.config.kind === 'host' ? resolveRemotePath(input.config.path, home, workdir) : input.config.path;
  const configText =
    input.config.kind === 'local' ? input.config.text : await readHostFile(host, configFile, input.signal);
  if (configText === undefined) {
    add(
      check(
        'config',
        false,
        `${configFile} could not be read on ${host.label}. Check the config file name and the remote Ctrl-World folder.`,
        'open-config',
      ),
    );
    return skipRest('the config could not be read.');
  }
  const document = parseConfigDocument(configText);
  const values = document.values;
  const text = (field: string) => (typeof values[field] === 'string' ? (values[field] as string) : undefined);
  const outputDir = resolveRemotePath(
    input.outputDir ?? text('output_dir') ?? 'model_ckpt/flexiv_finetune',
    home,
    workdir,
  );
  const at = (p: string) => resolveRemotePath(p, home, workdir);

  const modelPaths: Array<{ key: string; field: string; path: string }> = [];
  const svd = text('svd_model_path');
  if (svd)
    modelPaths.push(
      { key: 'svd-vae', field: 'svd_model_path', path: `${at(svd)}/vae` },
      { key: 'svd-image-encoder', field: 'svd_model_path', path: `${at(svd)}/image_encoder` },
    );
  const clip = text('clip_model_path');
  if (clip) modelPaths.push({ key: 'clip', field: 'clip_model_path', path: at(clip) });
  const ckpt = text('ckpt_path');
  if (ckpt) modelPaths.push({ key: 'ckpt', field: 'ckpt_path', path: at(ckpt) });
  const names = datasetNames(values.dataset_names);
  const cfgs = datasetNames(values.dataset_cfgs ?? values.dataset_names);
  const root = at(text('dataset_root_path') ?? 'dataset_example');
  const meta = at(text('dataset_meta_info_path') ?? 'dataset_meta_info');
  const datasetPaths = [
    ...names.map((name) => ({ key: `data-${name}`, path: `${root}/${name}` })),
    ...cfgs.flatMap((cfg) =>
      ['stat.json', 'train_sample.json', 'val_sample.json'].map((file) => ({
        key: `meta-${cfg}-${file}`,
        path: `${meta}/${cfg}/${file}`,
      })),
    ),
  ];
  const request = {
    paths: Object.fromEntries([...modelPaths, ...datasetPaths].map(({ key, path }) => [key, path])),
    files: { train: `${workdir}/scripts/train_wm.py` },
    globs: { checkpoints: `${globSafe(outputDir)}/checkpoint-*.pt` },
    packages: [...REQUIRED_PACKAGES, 'transformers'],
    commands: ['accelerate', 'tmux'],
    ports: [input.mainProcessPort],
    disk: [outputDir],
    git: workdir,
  };
  const registryRoot = await input.registry.root(input.signal);
  // The trainer is asked with exactly what the launch will give it: the run's config module and upstream's flags.
  const trainerArgs = trainerArguments(input.ckptPath);
  const trainerRequest = trainerProbeRequest(workdir, runModuleText(configText, outputDir), trainerArgs);
  // For SLURM both probes run through srun on a node of the partition: that node's Python and disks train, not these.
  // Without the partition srun has nowhere to go, so they stay on the login node and only the partition check fails.
  const slurmChecks = input.slurm ? await slurmPreflight(host, input.slurm, input.signal) : [];
  const slurm = slurmChecks[0]?.ok ? input.slurm : undefined;
  const srunWaitMs = slurm ? SRUN_WAIT_SECONDS * 1000 : 0;
  const [probeResult, gpuResult, runsResult, trainerResult] = await Promise.allSettled([
    runKit(host, registryRoot, 'probe.py', [], {
      input: JSON.stringify(request),
      envSetup: input.envSetup,
      signal: input.signal,
      via: slurm && srunOnOneNode(slurm, 2),
      timeoutMs: 120_000 + srunWaitMs,
    }).then((result) => kitJson<ProbeAnswer>(result, 'The preflight probe', host)),
    input.slurm ? Promise.resolve([]) : queryGpus(host, input.signal),
    input.registry.list(input.signal),
    runKit(host, registryRoot, 'trainer_probe.py', [], {
      input: JSON.stringify(trainerRequest),
      envSetup: input.envSetup,
      signal: input.signal,
      via: slurm && srunOnOneNode(slurm, 5),
      timeoutMs: 300_000 + srunWaitMs,
    }).then((result) => kitJson<TrainerProbeAnswer>(result, 'Asking train_wm.py', host)),
  ]);
  const paths = { workdir, registryRoot };
  if (probeResult.status === 'rejected') {
    if (slurm) {
      slurmChecks.forEach(add);
      add(sharedFilesystemCheck(slurm, paths, { error: probeResult.reason }));
      return skipRest('no compute node answered the probe.');
    }
    add(check('python-env', false, describeError(probeResult.reason), 'edit-env-setup'));
    return skipRest('the host could not be probed.');
  }
  const probe = probeResult.value;
  const probeNode = slurm ? probe.node : undefined;
  const allGpus = gpuResult.status === 'fulfilled' ? gpuResult.value : [];
  const chosen = input.slurm
    ? [...Array(input.slurm.gpusPerNode).keys()]
    : (input.gpus ?? allGpus.filter((gpu) => gpu.processes.length === 0).map((gpu) => gpu.index));
  const pickedMemory = allGpus.filter((gpu) => chosen.includes(gpu.index)).map((gpu) => gpu.memoryTotalMiB / 1024);
  const environment: TrainingEnvironment = {
    ...input.environment,
    gpus: Math.max(1, chosen.length * (input.slurm?.nodes ?? 1)),
    gpuMemoryGb: pickedMemory.length > 0 ? Math.min(...pickedMemory) : input.environment?.gpuMemoryGb,
  };
  const figures = document.classFound ? deriveFigures(values, environment) : undefined;
  const validation = validateDocument(document, environment);
  const configLabel = input.config.kind === 'local' ? `${input.config.path} (local)` : configFile;
  add(
    document.classFound
      ? configCheck(
          validation.errors,
          document.problems.map((p) => p.text),
          configLabel,
        )
      : check(
          'config',
          false,
          `${configLabel} has no "class wm_args:": it is not a Ctrl-World training config.`,
          'open-config',
        ),
  );
  add(onNode(pythonEnvCheck(probe, input.detach === 'tmux'), probeNode));
  add(onNode(checkoutCheck(probe, workdir), probeNode));
  if (probe.files.train !== null && probe.files.train !== undefined) {
    if (trainerResult.status === 'rejected') {
      add(check('trainer-imports', false, describeError(trainerResult.reason), 'edit-env-setup'));
    } else {
      const answer = trainerResult.value;
      const expected = {
        values: parseConfigDocument(runModuleText(configText, outputDir)).values,
        overrides: ckptOverride(input.ckptPath),
        home,
        workdir,
      };
      add(onNode(trainerImportsCheck(answer, probe.python), slurm ? answer.node : undefined));
      add(withWarning(trainerConfigCheck(answer, expected), validationScheduleNote(answer, values.validation_steps)));
      add(trainerDataCheck(answer, values, environment.gpus ?? 1));
    }
  }
  add(modelPathsCheck(probe, modelPaths));
  add(datasetCheck(probe, names, cfgs, datasetPaths));
  if (input.slurm) {
    slurmChecks.forEach(add);
    if (document.classFound) add(durationCheck(input.slurm, values, environment));
    if (slurm) add(sharedFilesystemCheck(slurm, paths, { answer: probe }));
    add(check('gpus', true, 'SLURM allocates them: see the partition checks.'));
  } else
    add(
      gpuResult.status === 'rejected'
        ? check('gpus', false, describeError(gpuResult.reason))
        : gpuCheck(allGpus, chosen, figures),
    );
  add(diskCheck(probe, outputDir, figures));
  const owner =
    runsResult.status === 'fulfilled'
      ? runsResult.value.find((run) => run.record.outputDir === outputDir && isActive(run.record.state))
      : undefined;
  add(outputDirCheck(probe, outputDir, owner?.record.runId));
  add(
    input.slurm
      ? check('port', true, "Opened on the job's first node when the job starts, not on this login node.")
      : portCheck(probe, input.mainProcessPort),
  );
  add(wandbCheck(input.wandb));
  for (const id of PREFLIGHT_CHECK_IDS)
    if (!checks.some((c) => c.id === id)) add(check(id, false, 'Not checked: the checkout was not found.'));
  return {
    checks,
    ok: checks.every((item) => item.ok),
    context: {
      workdir,
      configSource: input.config.kind === 'local' ? `local:${input.config.path}` : configFile,
      configText,
      values,
      outputDir,
      gpus: chosen,
      allGpus,
      figures,
      git: probe.git,
    },
  };
}

async function readHostFile(host: RemoteHost, file: string, signal?: AbortSignal): Promise<string | undefined> {
  const result = await host.exec(['cat', '--', file], { signal, timeoutMs: 60_000 });
  return result.code === 0 ? result.stdout : undefined;
}

/** A folder name used inside a glob pattern: its own glob characters are escaped. */
function globSafe(folder: string): string {
  return folder.replace(/[[\]*?]/g, '[$&]');
}

function ckptOverride(ckptPath: string | undefined): Record<string, string> {
  return ckptPath ? { ckpt_path: ckptPath } : {};
}
