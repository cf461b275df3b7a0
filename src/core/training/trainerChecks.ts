// The preflight's questions to the trainer itself (remote-kit/trainer_probe.py): which modules its files import,
// which config it really trains with, whether its dataset reader loads the data, and when it validates.
// Behaviour, not text: whatever the checkout's train_wm.py does with its arguments, the answer is what it would do.
import type { ConfigValue } from '../config';
import { resolveRemotePath } from '../remote/remoteHost';
import { check, withWarning, type PreflightCheck } from './preflightChecks';
import { TRAIN_SCRIPT } from './targets';

/** The fields whose effective values must equal the run's: a difference trains something other than shown. */
export const WATCHED_FIELDS = [
  'output_dir',
  'dataset_root_path',
  'dataset_meta_info_path',
  'dataset_names',
  'dataset_cfgs',
  'svd_model_path',
  'clip_model_path',
  'ckpt_path',
  'width',
  'height',
  'num_frames',
  'num_history',
  'action_dim',
  'train_batch_size',
  'gradient_accumulation_steps',
  'learning_rate',
  'mixed_precision',
  'max_train_steps',
  'checkpointing_steps',
  'validation_steps',
  'video_num',
  'debug',
] as const;
const PATH_FIELDS = new Set([
  'output_dir',
  'dataset_root_path',
  'dataset_meta_info_path',
  'svd_model_path',
  'clip_model_path',
  'ckpt_path',
]);

type Effective = string | number | boolean | null | Effective[];

export interface TrainerProbeAnswer {
  /** Where the probe ran: SLURM's node name under srun, else the host name. */
  readonly node?: string;
  readonly imports: {
    readonly checked: readonly string[];
    readonly missing: ReadonlyArray<{ module: string; pip: string; file: string }>;
  };
  readonly validation: { readonly remainder: number; readonly positiveOnly: boolean } | null;
  readonly trainer:
    | {
        readonly configFile: string | null;
        readonly values: Record<string, Effective>;
        readonly data?: Record<'train' | 'val', DataAnswer>;
      }
    | { readonly error: string; readonly detail: string; readonly code?: number }
    | null;
}

type DataAnswer =
  | { readonly samples: number; readonly shapes: Record<string, number[]> }
  | { readonly error: string; readonly where: string | null };

export interface TrainerProbeRequest {
  readonly workdir: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly config: string;
  readonly fields: readonly string[];
  readonly data: boolean;
}

/**
 * What trainer_probe.py is asked: the run's config module text and the trainer's arguments, as the launch passes them.
 */
export function trainerProbeRequest(
  workdir: string,
  runConfigText: string,
  trainerArgs: readonly string[],
): TrainerProbeRequest {
  return {
    workdir,
    script: TRAIN_SCRIPT,
    args: trainerArgs,
    config: runConfigText,
    fields: [...WATCHED_FIELDS],
    data: true,
  };
}

export function trainerImportsCheck(answer: TrainerProbeAnswer, python: string): PreflightCheck {
  const missing = answer.imports.missing;
  if (missing.length > 0) {
    const list = missing.map(({ module, file }) => `${module} (imported by ${file})`).join(', ');
    const pip = `pip install ${[...new Set(missing.map(({ pip }) => pip))].join(' ')}`;
    return check(
      'trainer-imports',
      false,
      `Not installed for python3 ${python}: ${list}. Install them in the training environment: "${pip}", or set ctrlWorld.remote.envSetup to activate the environment that has them.`,
      'edit-env-setup',
    );
  }
  return check(
    'trainer-imports',
    true,
    `All ${answer.imports.checked.length} modules that ${TRAIN_SCRIPT} and its own modules import are installed.`,
  );
}

export interface ExpectedConfig {
  /** The run's config values (the run module: the user's config with the run's output_dir). */
  readonly values: Readonly<Record<string, ConfigValue>>;
  /** Overrides the launch passes as upstream's flags (ckpt_path). */
  readonly overrides: Readonly<Record<string, string>>;
  readonly home: string;
  readonly workdir: string;
}

/**
 * The config the trainer imports must be the run's, field by field: else the product watches one run and the GPUs train
 * another.
 */
export function trainerConfigCheck(answer: TrainerProbeAnswer, expected: ExpectedConfig): PreflightCheck {
  const trainer = answer.trainer;
  if (!trainer)
    return check(
      'trainer-config',
      false,
      'Not checked: train_wm.py cannot start until the missing modules are installed.',
    );
  if ('error' in trainer) {
    return check(
      'trainer-config',
      false,
      `${TRAIN_SCRIPT} stopped before it started training (${trainer.error}): ${trainer.detail.trim() || 'no output'}. Fix the checkout or the environment; the same would happen at launch.`,
    );
  }
  const differences: string[] = [];
  for (const field of WATCHED_FIELDS) {
    const want = field in expected.overrides ? expected.overrides[field] : expected.values[field];
    if (want === undefined || !(field in trainer.values)) continue;
    const got = trainer.values[field];
    if (!sameValue(field, want, got, expected))
      differences.push(`${field}: the run has ${show(want)}, train_wm.py would use ${show(got)}`);
  }
  const source = trainer.configFile ? ` (its config module is ${trainer.configFile})` : '';
  if (differences.length > 0) {
    return check(
      'trainer-config',
      false,
      `The trainer would not train with this run's config${source}: ${differences.join('; ')}. Does the checkout's train_wm.py read its settings from elsewhere (a scripts/config.py, a fixed --config default)? Make it import "config", or fix the values.`,
      'open-config',
    );
  }
  return check(
    'trainer-config',
    true,
    `${TRAIN_SCRIPT} imports the run's config: the ${WATCHED_FIELDS.length} watched fields (output folder, data, sizes, steps) are the run's.`,
  );
}

function sameValue(field: string, want: ConfigValue, got: Effective, expected: ExpectedConfig): boolean {
  if (PATH_FIELDS.has(field) && typeof want === 'string' && typeof got === 'string') {
    const at = (value: string) => resolveRemotePath(value, expected.home, expected.workdir).replace(/\/+$/, '');
    return at(want) === at(got);
  }
  return JSON.stringify(want) === JSON.stringify(got);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The trainer's own dataset class, built as main() builds it, reads one item of each split. */
export function trainerDataCheck(
  answer: TrainerProbeAnswer,
  values: Readonly<Record<string, ConfigValue>>,
  processes = 1,
): PreflightCheck {
  const trainer = answer.trainer;
  if (!trainer || 'error' in trainer)
    return check('trainer-data', false, 'Not checked: the trainer did not start (see the check above).');
  if (!trainer.data)
    return check(
      'trainer-data',
      true,
      `${TRAIN_SCRIPT}'s main() builds no dataset class that could be tried; nothing read.`,
    );
  const failures = (['train', 'val'] as const).flatMap((mode) => {
    const result = trainer.data![mode];
    return 'error' in result ? [`${mode}: ${result.error}${result.where ? ` (at ${result.where})` : ''}`] : [];
  });
  if (failures.length > 0) {
    return check(
      'trainer-data',
      false,
      `The trainer's dataset reader fails on this data: ${failures.join('; ')}. Convert the dataset again or fix the paths in the config.`,
      'open-config',
    );
  }
  const { train, val } = trainer.data as Record<'train' | 'val', { samples: number; shapes: Record<string, number[]> }>;
  const videos = typeof values.video_num === 'number' ? values.video_num : 0;
  const rows = values.debug === true ? 1 : videos;
  // validate_video_generation steps through the val set in len(val) / rows / 2 strides: 0 is a crash at the first
  // validation.
  if (videos > 0 && Math.floor(val.samples / rows / 2) < 1) {
    return check(
      'trainer-data',
      false,
      `The validation set has ${val.samples} sample${val.samples === 1 ? '' : 's'}; video_num ${videos} needs at least ${2 * rows}, else the first validation fails. Convert with more validation episodes or lower video_num.`,
      'open-config',
    );
  }
  const latent = train.shapes.latent ? `, latents ${train.shapes.latent.join('x')}` : '';
  const passed = check(
    'trainer-data',
    true,
    `Read by the trainer's own dataset class: ${train.samples} train and ${val.samples} val samples${latent}.`,
  );
  return withWarning(passed, epochOverrunNote(train.samples, values, processes));
}

/**
 * Ctrl-World's loop never stops at max_train_steps: it trains num_train_epochs = ceil(max_train_steps x GA x global
 * batch / batches per process) whole epochs (seen on a GPU: 28 steps for max_train_steps 20 on 28 samples).
 */
export function stepsTrained(
  samples: number,
  values: Readonly<Record<string, ConfigValue>>,
  processes: number,
): number | undefined {
  const { train_batch_size: batch, max_train_steps: steps } = values;
  const accumulation = typeof values.gradient_accumulation_steps === 'number' ? values.gradient_accumulation_steps : 1;
  if (typeof batch !== 'number' || typeof steps !== 'number' || samples < 1 || batch < 1 || processes < 1)
    return undefined;
  const batchesPerProcess = Math.ceil(Math.ceil(samples / batch) / processes);
  const epochs = Math.ceil((steps * accumulation * batch * processes * accumulation) / batchesPerProcess);
  return Math.floor((epochs * batchesPerProcess) / accumulation);
}

function epochOverrunNote(
  samples: number,
  values: Readonly<Record<string, ConfigValue>>,
  processes: number,
): string | undefined {
  const trained = stepsTrained(samples, values, processes);
  const planned = values.max_train_steps;
  if (trained === undefined || typeof planned !== 'number' || trained <= planned) return undefined;
  const times = trained / planned;
  return `train_wm.py does not stop at max_train_steps: it trains whole epochs, here about ${trained.toLocaleString('en-US')} steps${times >= 1.1 ? ` (${times.toFixed(1)} x ${planned.toLocaleString('en-US')})` : ''}, checkpoints and validations continuing past step ${planned.toLocaleString('en-US')}. Stop the run once checkpoint-${planned}.pt is saved.`;
}

/** Upstream validates at step % validation_steps == 5 (step 5 first): a warning that says when, not an error. */
export function validationScheduleNote(
  answer: TrainerProbeAnswer,
  validationSteps: ConfigValue | undefined,
): string | undefined {
  const schedule = answer.validation;
  if (!schedule || schedule.remainder === 0 || typeof validationSteps !== 'number') return undefined;
  const first = schedule.remainder;
  return `This checkout validates when global_step % validation_steps == ${first}: the first validation videos come at step ${first} (train_steps_${first}_*.mp4), then ${(validationSteps + first).toLocaleString('en-US')}, … (upstream's behaviour; the Flexiv fork validates at multiples of validation_steps).`;
}
