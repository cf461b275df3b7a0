// The one table of wm_args training fields: parsing, rendering, validation, the editor form, profiles and the CLI
// all derive from it. Defaults are upstream Ctrl-World's config.py, except site-specific model paths.
import type { ConfigValue } from './types';

export type FieldKind = 'int' | 'float' | 'string' | 'path' | 'bool' | 'choice' | 'floatList' | 'dtype';
export type FieldGroup = 'paths' | 'data' | 'training' | 'validation' | 'model' | 'logging';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly group: FieldGroup;
  /** One line for the form, the CLI and hovers. */
  readonly doc: string;
  readonly unit?: string;
  readonly default: ConfigValue;
  /** Python source of a default that follows other fields (f"model_ckpt/{tag}"); written by "reset to default". */
  readonly defaultPython?: string;
  readonly min?: number;
  /** `min` itself is not allowed (learning rate > 0). */
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  /** A value above `limit` is allowed but unusual enough to warn about, suggesting `suggested`. */
  readonly warnAbove?: { readonly limit: number; readonly suggested: number; readonly why: string };
  readonly multipleOf?: number;
  /** For `choice` (strings) and `dtype` (Python expressions). */
  readonly choices?: readonly string[];
  /** None is a meaningful value. */
  readonly nullable?: boolean;
}

export const GROUPS: readonly { readonly id: FieldGroup; readonly title: string; readonly doc: string }[] = [
  { id: 'paths', title: 'Paths', doc: 'Models loaded at start and the folder checkpoints and samples are written to.' },
  { id: 'data', title: 'Data', doc: 'The converted datasets and how they are read.' },
  { id: 'training', title: 'Training', doc: 'Optimisation: batch, steps, learning rate, checkpoints.' },
  { id: 'validation', title: 'Validation', doc: 'Sample videos generated during training.' },
  { id: 'model', title: 'Model', doc: 'Frame size, prediction horizon and conditioning of the world model.' },
  { id: 'logging', title: 'Logging', doc: 'Run names and WandB.' },
];

const F = (spec: FieldSpec): FieldSpec => spec;

export const FIELDS: readonly FieldSpec[] = [
  F({
    name: 'svd_model_path',
    kind: 'path',
    group: 'paths',
    default: 'models/stable-video-diffusion-img2vid',
    doc: 'Stable Video Diffusion folder (vae/, image_encoder/, unet/...) on the GPU host.',
  }),
  F({
    name: 'clip_model_path',
    kind: 'path',
    group: 'paths',
    default: 'models/clip-vit-base-patch32',
    doc: 'CLIP text model folder used for the text condition.',
  }),
  F({
    name: 'ckpt_path',
    kind: 'path',
    group: 'paths',
    default: null,
    nullable: true,
    doc: 'Ctrl-World checkpoint loaded before training (weights only: the step, optimizer and learning rate start again at 0). None starts from the SVD weights.',
  }),
  F({
    name: 'output_dir',
    kind: 'path',
    group: 'paths',
    default: 'model_ckpt/doird_subset',
    defaultPython: 'f"model_ckpt/{tag}"',
    doc: 'Where checkpoint-<step>.pt and samples/ are written. Use a new folder per run: checkpoints are named from step 0 again.',
  }),

  F({
    name: 'dataset_root_path',
    kind: 'path',
    group: 'data',
    default: 'dataset_example',
    doc: 'Folder holding the converted datasets ({root}/{name}/annotation, latent_videos).',
  }),
  F({
    name: 'dataset_meta_info_path',
    kind: 'path',
    group: 'data',
    default: 'dataset_meta_info',
    doc: 'Folder holding {cfg}/stat.json, train_sample.json and val_sample.json.',
  }),
  F({
    name: 'dataset_names',
    kind: 'string',
    group: 'data',
    default: 'droid_subset',
    doc: 'Dataset folder names under dataset_root_path, several joined with "+".',
  }),
  F({
    name: 'dataset_cfgs',
    kind: 'string',
    group: 'data',
    default: 'droid_subset',
    defaultPython: 'dataset_names',
    doc: 'Meta-info folder names, one per dataset ("+"-joined). `dataset_cfgs = dataset_names` is evaluated once, where it is written.',
  }),
  F({
    name: 'prob',
    kind: 'floatList',
    group: 'data',
    default: [1.0],
    doc: 'Sampling probability of each dataset, one per name, summing to 1.',
  }),
  F({
    name: 'annotation_name',
    kind: 'string',
    group: 'data',
    default: 'annotation',
    doc: 'Annotation folder name inside each dataset.',
  }),
  F({
    name: 'num_workers',
    kind: 'int',
    group: 'data',
    default: 4,
    min: 0,
    max: 64,
    unit: 'processes',
    doc: "Data-loader worker processes per GPU. Upstream's train_wm.py does not pass it to its DataLoaders (they load in the main process); the Flexiv fork does, and there it must be above 0 (it also sets prefetch_factor).",
  }),
  F({
    name: 'down_sample',
    kind: 'int',
    group: 'data',
    default: 3,
    min: 1,
    unit: 'x',
    doc: 'Temporal subsampling of the recorded frames (3: 15 Hz to 5 Hz).',
  }),
  F({
    name: 'skip_step',
    kind: 'int',
    group: 'data',
    default: 1,
    min: 1,
    unit: 'frames',
    doc: 'Used by the rollout scripts only; training ignores it (the sample lists fix the frames).',
  }),

  F({
    name: 'learning_rate',
    kind: 'float',
    group: 'training',
    default: 1e-5,
    min: 0,
    exclusiveMin: true,
    warnAbove: {
      limit: 1e-3,
      suggested: 5e-6,
      why: 'unusually high for fine-tuning a pretrained model (the Flexiv config uses 5e-6)',
    },
    doc: 'AdamW learning rate, constant (no schedule upstream). 5e-6 is typical for fine-tuning.',
  }),
  F({
    name: 'train_batch_size',
    kind: 'int',
    group: 'training',
    default: 4,
    min: 1,
    max: 256,
    unit: 'samples per GPU',
    doc: 'Samples per GPU per forward pass. The largest lever on GPU memory.',
  }),
  F({
    name: 'gradient_accumulation_steps',
    kind: 'int',
    group: 'training',
    default: 1,
    min: 1,
    max: 256,
    unit: 'passes',
    doc: 'Forward/backward passes per optimizer step: a larger global batch without more memory, at the cost of time.',
  }),
  F({
    name: 'max_train_steps',
    kind: 'int',
    group: 'training',
    default: 500000,
    min: 1,
    unit: 'steps',
    doc: 'Optimizer steps of the whole run.',
  }),
  F({
    name: 'checkpointing_steps',
    kind: 'int',
    group: 'training',
    default: 20000,
    min: 1,
    unit: 'steps',
    doc: 'A state-dict checkpoint of the whole model every this many steps.',
  }),
  F({
    name: 'mixed_precision',
    kind: 'choice',
    group: 'training',
    default: 'fp16',
    choices: ['no', 'fp16', 'bf16'],
    doc: 'Accelerate mixed precision; "no" roughly doubles activation memory.',
  }),
  F({ name: 'shuffle', kind: 'bool', group: 'training', default: true, doc: 'Shuffle the training samples.' }),
  F({
    name: 'max_grad_norm',
    kind: 'float',
    group: 'training',
    default: 1.0,
    min: 0,
    exclusiveMin: true,
    doc: 'Gradient clipping norm.',
  }),
  F({
    name: 'num_train_epochs',
    kind: 'int',
    group: 'training',
    default: 100,
    min: 1,
    unit: 'epochs',
    doc: 'Only logged: train_wm.py works out the epochs it needs from max_train_steps.',
  }),

  F({
    name: 'validation_steps',
    kind: 'int',
    group: 'validation',
    default: 2500,
    min: 1,
    unit: 'steps',
    doc: 'Validation videos every this many steps. Upstream writes them when global_step % validation_steps == 5 (the first at step 5); the Flexiv fork at multiples of it. The preflight says which your checkout does.',
  }),
  F({
    name: 'video_num',
    kind: 'int',
    group: 'validation',
    default: 10,
    min: 0,
    max: 100,
    unit: 'videos',
    doc: 'Videos per validation; 0 turns validation off.',
  }),
  F({
    name: 'num_inference_steps',
    kind: 'int',
    group: 'validation',
    default: 50,
    min: 1,
    max: 1000,
    unit: 'steps',
    doc: 'Denoising steps when generating a validation video.',
  }),
  F({
    name: 'guidance_scale',
    kind: 'float',
    group: 'validation',
    default: 2,
    min: 0,
    max: 30,
    doc: 'Classifier-free guidance scale when generating.',
  }),
  F({
    name: 'decode_chunk_size',
    kind: 'int',
    group: 'validation',
    default: 7,
    min: 1,
    unit: 'frames',
    doc: 'Frames the VAE decodes at once; lower saves memory during validation.',
  }),

  F({
    name: 'width',
    kind: 'int',
    group: 'model',
    default: 320,
    min: 64,
    max: 2048,
    multipleOf: 64,
    unit: 'px',
    doc: 'Frame width. The latents must have been encoded at this size.',
  }),
  F({
    name: 'height',
    kind: 'int',
    group: 'model',
    default: 192,
    min: 64,
    max: 2048,
    multipleOf: 64,
    unit: 'px',
    doc: 'Frame height of one view (the three views are stacked to 3 x height).',
  }),
  F({
    name: 'num_frames',
    kind: 'int',
    group: 'model',
    default: 5,
    min: 1,
    max: 64,
    unit: 'frames',
    doc: 'Future frames predicted per sample.',
  }),
  F({
    name: 'num_history',
    kind: 'int',
    group: 'model',
    default: 6,
    min: 1,
    max: 64,
    unit: 'frames',
    doc: 'Past frames the prediction is conditioned on.',
  }),
  F({
    name: 'action_dim',
    kind: 'int',
    group: 'model',
    default: 7,
    min: 1,
    max: 64,
    doc: 'Action vector size (Flexiv: 7, pose and gripper).',
  }),
  F({
    name: 'motion_bucket_id',
    kind: 'int',
    group: 'model',
    default: 127,
    min: 0,
    max: 255,
    doc: 'SVD motion conditioning.',
  }),
  F({
    name: 'fps',
    kind: 'int',
    group: 'model',
    default: 7,
    min: 1,
    max: 60,
    unit: 'fps',
    doc: 'SVD frame-rate conditioning.',
  }),
  F({ name: 'text_cond', kind: 'bool', group: 'model', default: true, doc: 'Condition on the task text.' }),
  F({
    name: 'frame_level_cond',
    kind: 'bool',
    group: 'model',
    default: true,
    doc: 'Condition each frame on its own action.',
  }),
  F({ name: 'his_cond_zero', kind: 'bool', group: 'model', default: false, doc: 'Zero the history condition.' }),
  F({
    name: 'dtype',
    kind: 'dtype',
    group: 'model',
    default: { expression: 'torch.bfloat16' },
    choices: ['torch.bfloat16', 'torch.float16', 'torch.float32'],
    doc: 'Weights dtype for inference-time pipelines.',
  }),

  F({
    name: 'debug',
    kind: 'bool',
    group: 'logging',
    default: false,
    doc: "Debug mode: validation lays out one row of videos; with video_num above 1 upstream's validation fails at its second video.",
  }),
  F({
    name: 'tag',
    kind: 'string',
    group: 'logging',
    default: 'doird_subset',
    doc: 'Run tag: W&B runs are named train_<date>_<tag>, and the default output_dir is model_ckpt/<tag> (upstream\'s default is spelled "doird_subset").',
  }),
  F({
    name: 'wandb_run_name',
    kind: 'string',
    group: 'logging',
    default: 'doird_subset',
    defaultPython: 'tag',
    doc: 'Not used by training: train_wm.py names its W&B runs train_<date>_<tag>.',
  }),
  F({
    name: 'wandb_project_name',
    kind: 'string',
    group: 'logging',
    default: 'droid_example',
    doc: 'WandB project the loss and videos are logged to.',
  }),
];

const BY_NAME = new Map(FIELDS.map((field) => [field.name, field]));

export function fieldSpec(name: string): FieldSpec | undefined {
  return BY_NAME.get(name);
}

/** Default values of every field, with the defaults that follow other fields (output_dir from tag) resolved. */
export function defaultValues(): Record<string, ConfigValue> {
  return Object.fromEntries(FIELDS.map((field) => [field.name, field.default]));
}
