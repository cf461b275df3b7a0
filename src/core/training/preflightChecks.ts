// The preflight's judgements: from what the probe, nvidia-smi and the config say, one check per thing that would
// otherwise fail hours into a run. Pure functions, so each is unit-testable without a host.
import type { ConfigIssue, ConfigValue, DerivedFigures } from '../config';
import type { GpuInfo } from '../remote/gpus';

/** What the user can do about a failed check; the extension turns each into a button, the CLI into a hint. */
export type PreflightFix =
  'new-output-folder' | 'set-wandb-key' | 'pick-gpus' | 'pick-port' | 'open-config' | 'edit-env-setup';

export interface PreflightCheck {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly message: string;
  readonly fix?: PreflightFix;
  /** Passed, with something the user should know (shown with a warning sign). */
  readonly warning?: true;
}

export interface ProbeAnswer {
  readonly python: string;
  /** Where the probe ran: SLURM's node name under srun, else the host name. */
  readonly node?: string;
  readonly paths: Record<string, { exists: boolean; isDir: boolean; size: number | null }>;
  readonly files: Record<string, string | null>;
  readonly globs: Record<string, Array<{ path: string; size: number }>>;
  readonly packages: Record<string, string | null>;
  readonly commands: Record<string, string | null>;
  readonly ports: Record<string, boolean>;
  readonly disk: Record<string, { freeBytes: number; checked: string }>;
  readonly git: { commit: string; dirty: boolean } | null;
}

export const REQUIRED_PACKAGES = ['torch', 'diffusers', 'accelerate'] as const;

/** Every check, in the order the checklist shows them. */
export const PREFLIGHT_CHECKS = [
  ['reachable', 'Host reachable'],
  ['config', 'Training config'],
  ['python-env', 'Python environment (torch, diffusers, accelerate)'],
  ['checkout', 'Ctrl-World checkout'],
  ['trainer-imports', 'Every module train_wm.py imports is installed'],
  ['trainer-config', "train_wm.py trains with this run's config"],
  ['trainer-data', "train_wm.py's dataset reader loads the data"],
  ['model-paths', 'Model files (SVD, CLIP, checkpoint)'],
  ['dataset', 'Dataset and meta files'],
  ['gpus', 'GPUs free, with the memory the config needs'],
  ['disk', 'Disk space for all checkpoints'],
  ['output-dir', 'Output folder holds no earlier checkpoints'],
  ['port', 'Rendezvous port free'],
  ['wandb', 'WandB key or offline'],
] as const;

export type PreflightCheckId = (typeof PREFLIGHT_CHECKS)[number][0];

export function checkTitle(id: string): string {
  return PREFLIGHT_CHECKS.find(([known]) => known === id)?.[1] ?? id;
}

export function check(id: PreflightCheckId, ok: boolean, message: string, fix?: PreflightFix): PreflightCheck {
  const title = checkTitle(id);
  return ok || !fix ? { id, title, ok, message } : { id, title, ok, message, fix };
}

export function pythonEnvCheck(probe: ProbeAnswer, needTmux: boolean): PreflightCheck {
  const missing = REQUIRED_PACKAGES.filter((name) => !probe.packages[name]);
  const versions = REQUIRED_PACKAGES.filter((name) => probe.packages[name])
    .map((name) => `${name} ${probe.packages[name]}`)
    .join(' · ');
  if (missing.length > 0) {
    return check(
      'python-env',
      false,
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed for python3 ${probe.python}${versions ? ` (found ${versions})` : ''}. Activate the training environment with the ctrlWorld.remote.envSetup setting, e.g. "source ~/miniconda3/bin/activate ctrl-world".`,
      'edit-env-setup',
    );
  }
  if (!probe.commands.accelerate)
    return check(
      'python-env',
      false,
      `The accelerate command is not on the PATH (${versions} are installed). Set ctrlWorld.remote.envSetup so that it is.`,
      'edit-env-setup',
    );
  if (needTmux && !probe.commands.tmux)
    return check(
      'python-env',
      false,
      'tmux is not installed on the host; install it or set ctrlWorld.training.detach to "setsid".',
    );
  return check('python-env', true, `${versions} (Python ${probe.python})`);
}

/** The checkout: the trainer script is there (what it does is asked of it by the trainer checks). */
export function checkoutCheck(probe: ProbeAnswer, workdir: string): PreflightCheck {
  if (probe.files.train === null || probe.files.train === undefined) {
    return check(
      'checkout',
      false,
      `${workdir}/scripts/train_wm.py does not exist: is ${workdir} a Ctrl-World checkout? Set the remote folder (ctrlWorld.remote.ctrlWorldFolder).`,
    );
  }
  const git = probe.git
    ? `, commit ${probe.git.commit.slice(0, 10)}${probe.git.dirty ? ' with uncommitted changes' : ''}`
    : '';
  return check('checkout', true, `${workdir} (scripts/train_wm.py found${git})`);
}

/** A passed check with a warning appended. */
export function withWarning(item: PreflightCheck, note: string | undefined): PreflightCheck {
  return note && item.ok ? { ...item, message: `${item.message} ${note}`, warning: true } : item;
}

export function configCheck(issues: readonly ConfigIssue[], unparsed: readonly string[], file: string): PreflightCheck {
  if (issues.length > 0)
    return check('config', false, `${file}: ${issues.map((issue) => issue.message).join(' ')}`, 'open-config');
  return check(
    'config',
    true,
    `${file} is valid${unparsed.length > 0 ? ` (${unparsed.length} line${unparsed.length > 1 ? 's' : ''} not interpreted)` : ''}.`,
  );
}

/** Missing model folders and files, each with its config field. */
export function modelPathsCheck(
  probe: ProbeAnswer,
  paths: ReadonlyArray<{ key: string; field: string; path: string }>,
): PreflightCheck {
  const missing = paths.filter(({ key }) => !probe.paths[key]?.exists);
  if (missing.length > 0)
    return check(
      'model-paths',
      false,
      `Not found: ${missing.map(({ field, path }) => `${path} (${field})`).join('; ')}. Copy the models to the host or fix the paths in the config.`,
      'open-config',
    );
  return check(
    'model-paths',
    true,
    `SVD (vae/, image_encoder/), CLIP${paths.some((p) => p.field === 'ckpt_path') ? ' and the start checkpoint' : ''} found.`,
  );
}

export function datasetCheck(
  probe: ProbeAnswer,
  names: readonly string[],
  cfgs: readonly string[],
  required: ReadonlyArray<{ key: string; path: string }>,
): PreflightCheck {
  if (names.join('+') !== cfgs.join('+')) {
    return check(
      'dataset',
      false,
      `dataset_cfgs is "${cfgs.join('+')}" but dataset_names is "${names.join('+')}": "dataset_cfgs = dataset_names" was evaluated before dataset_names changed, so the trainer would read the meta files of "${cfgs.join('+')}". Set dataset_cfgs explicitly in the config.`,
      'open-config',
    );
  }
  const missing = required.filter(({ key }) => !probe.paths[key]?.exists);
  if (missing.length > 0)
    return check(
      'dataset',
      false,
      `Not found: ${missing.map(({ path }) => path).join('; ')}. Convert the dataset (Convert Dataset) and copy it and its meta files to the host.`,
    );
  return check('dataset', true, `${names.join(', ')}: data, stat.json, train_sample.json and val_sample.json found.`);
}

export function gpuCheck(
  gpus: readonly GpuInfo[],
  chosen: readonly number[],
  figures: DerivedFigures | undefined,
): PreflightCheck {
  const unknown = chosen.filter((index) => !gpus.some((gpu) => gpu.index === index));
  if (chosen.length === 0 || unknown.length > 0) {
    return check(
      'gpus',
      false,
      chosen.length === 0
        ? 'No GPU is chosen.'
        : `The host has no GPU ${unknown.join(', ')} (it has ${gpus.map((gpu) => gpu.index).join(', ') || 'none'}).`,
      'pick-gpus',
    );
  }
  const picked = gpus.filter((gpu) => chosen.includes(gpu.index));
  const busy = picked.filter((gpu) => gpu.processes.length > 0);
  if (busy.length > 0) {
    const who = busy
      .map(
        (gpu) =>
          `GPU ${gpu.index}: ${gpu.processes.map((p) => `pid ${p.pid} ${p.name}${p.usedMemoryMiB ? ` (${(p.usedMemoryMiB / 1024).toFixed(1)} GiB)` : ''}`).join(', ')}`,
      )
      .join('; ');
    return check('gpus', false, `In use: ${who}. Pick free GPUs or wait for those jobs.`, 'pick-gpus');
  }
  const needGb = figures?.memoryPerGpuGb;
  const tightest = Math.min(...picked.map((gpu) => gpu.memoryFreeMiB / 1024));
  if (needGb !== undefined && tightest < needGb) {
    return check(
      'gpus',
      false,
      `The config needs about ${needGb} GB per GPU, but GPU ${picked.find((gpu) => gpu.memoryFreeMiB / 1024 === tightest)?.index} has ${tightest.toFixed(1)} GiB free. Lower train_batch_size or num_frames in the config editor.`,
      'open-config',
    );
  }
  return check(
    'gpus',
    true,
    `${picked.length} × ${picked[0].name}, free${needGb !== undefined ? `; about ${needGb} GB per GPU needed, ${tightest.toFixed(1)} GiB free` : ''}.`,
  );
}

export function diskCheck(probe: ProbeAnswer, outputDir: string, figures: DerivedFigures | undefined): PreflightCheck {
  const disk = probe.disk[outputDir];
  if (!disk) return check('disk', false, `Could not measure the free space for ${outputDir}.`);
  const freeGb = disk.freeBytes / 1e9;
  const needGb = figures?.checkpointDiskGb ?? 0;
  const ok = freeGb >= needGb;
  const what = figures ? `${figures.checkpoints} checkpoints need about ${needGb} GB` : 'checkpoints';
  return check(
    'disk',
    ok,
    ok
      ? `${what}; ${freeGb.toFixed(1)} GB free on ${disk.checked}.`
      : `${what}, but only ${freeGb.toFixed(1)} GB are free on ${disk.checked}. Free space, choose an output folder on a larger disk, or raise checkpointing_steps.`,
    ok ? undefined : 'new-output-folder',
  );
}

export function outputDirCheck(probe: ProbeAnswer, outputDir: string, activeOwner: string | undefined): PreflightCheck {
  if (activeOwner)
    return check(
      'output-dir',
      false,
      `Run ${activeOwner} is still writing to ${outputDir}; a second launch into it is refused. Choose a new folder.`,
      'new-output-folder',
    );
  const checkpoints = probe.globs.checkpoints ?? [];
  if (checkpoints.length > 0) {
    const last = checkpoints[checkpoints.length - 1].path.split('/').pop();
    return check(
      'output-dir',
      false,
      `${outputDir} already holds ${checkpoints.length} checkpoint${checkpoints.length > 1 ? 's' : ''} (up to ${last}); a new run would overwrite them. Choose a new folder.`,
      'new-output-folder',
    );
  }
  return check('output-dir', true, `${outputDir} holds no checkpoints.`);
}

export function portCheck(probe: ProbeAnswer, port: number): PreflightCheck {
  const free = probe.ports[String(port)] === true;
  return check(
    'port',
    free,
    free
      ? `Port ${port} is free.`
      : `Port ${port} is in use on the host (another training run?). Choose another main process port.`,
    free ? undefined : 'pick-port',
  );
}

export function wandbCheck(mode: 'online' | 'offline' | 'no-key'): PreflightCheck {
  if (mode === 'online')
    return check('wandb', true, "Online: the key from SecretStorage goes into the run's environment only.");
  if (mode === 'offline') return check('wandb', true, 'Offline (WANDB_MODE=offline): sync later with "wandb sync".');
  return check(
    'wandb',
    false,
    'No WandB key is stored. Set one (Ctrl-World: Set WandB API Key) or run offline.',
    'set-wandb-key',
  );
}

/** A config value as a list of dataset names: "a+b", ["a", "b"] or "a". */
export function datasetNames(value: ConfigValue | undefined): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string')
    return value
      .split('+')
      .map((name) => name.trim())
      .filter(Boolean);
  return [];
}
