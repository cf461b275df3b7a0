// The figures that matter before launch: global batch, checkpoints and their disk, validations, duration and the
// GPU memory each device needs, with the FAQ's remedies when that memory is more than the GPU has.
import { resolveEnvironment } from './environment';
import { fieldSpec } from './fields';
import { configValuesEqual, type ConfigValue, type DerivedFigures, type TrainingEnvironment } from './types';

/*
 * GPU memory model, per device (data-parallel training keeps a whole replica on every GPU):
 *   static: the trainable SVD UNet (~1.52 B parameters) with fp32 weights, gradients and AdamW's two moments
 *     (16 bytes per parameter, 22.7 GiB), the frozen VAE, CLIP image encoder and text encoder in fp32
 *     (~0.8 B parameters, 3.0 GiB) and the CUDA context and allocator reserve (~1.3 GiB): 27 GB.
 *   activations: proportional to samples per pass x frames through the UNet (num_frames + num_history) x pixels
 *     of a view; twice as much without mixed precision.
 * Calibrated on the hand-over note's figure for the seed config (4 samples x 11 frames at 320x192 on an 80 GB
 * A100: "30-35 GB per GPU"): 27 GB + 5.5 GB of activations = 32.5 GB, the middle of that range. Gradient
 * accumulation changes the time per step, not the memory; the number of GPUs changes neither.
 */
const STATIC_GB = 27;
const REFERENCE_ACTIVATION_GB = 5.5;
export const REFERENCE_WORKLOAD = { samples: 4, frames: 11, pixels: 320 * 192 } as const;

function number(values: Record<string, ConfigValue>, field: string): number {
  const value = values[field];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const fallback = fieldSpec(field)?.default;
  return typeof fallback === 'number' ? fallback : 0;
}

/** Per-GPU work of one forward/backward pass relative to the seed config's. */
function passWork(values: Record<string, ConfigValue>): number {
  const frames = number(values, 'num_frames') + number(values, 'num_history');
  const pixels = number(values, 'width') * number(values, 'height');
  return (
    (number(values, 'train_batch_size') * frames * pixels) /
    (REFERENCE_WORKLOAD.samples * REFERENCE_WORKLOAD.frames * REFERENCE_WORKLOAD.pixels)
  );
}

export function estimateMemoryPerGpuGb(values: Record<string, ConfigValue>): number {
  const precisionFactor = values.mixed_precision === 'no' ? 2 : 1;
  return round(STATIC_GB + REFERENCE_ACTIVATION_GB * passWork(values) * precisionFactor, 1);
}

/** The estimated time of one optimizer step: the duration estimate is max_train_steps of these. */
export function estimateSecondsPerStep(values: Record<string, ConfigValue>, env: TrainingEnvironment): number {
  const environment = resolveEnvironment(env);
  const accumulation = Math.max(1, number(values, 'gradient_accumulation_steps'));
  // A measured figure belongs to this config; the reference figure scales with the work of a whole optimizer step.
  return environment.secondsPerStep ?? environment.referenceSecondsPerStep * passWork(values) * accumulation;
}

export function deriveFigures(values: Record<string, ConfigValue>, env: TrainingEnvironment): DerivedFigures {
  const environment = resolveEnvironment(env);
  const steps = Math.max(0, Math.floor(number(values, 'max_train_steps')));
  const checkpointEvery = number(values, 'checkpointing_steps');
  const validateEvery = number(values, 'validation_steps');
  const videoNum = Math.max(0, Math.floor(number(values, 'video_num')));
  const accumulation = Math.max(1, number(values, 'gradient_accumulation_steps'));
  const checkpoints = checkpointEvery >= 1 ? Math.floor(steps / checkpointEvery) : 0;
  // The Flexiv fork validates when global_step % validation_steps == 0 and global_step > 0.
  const validations = videoNum > 0 && validateEvery >= 1 ? Math.floor(steps / validateEvery) : 0;
  const secondsPerStep = estimateSecondsPerStep(values, env);
  return {
    globalBatch: number(values, 'train_batch_size') * environment.gpus * accumulation,
    checkpoints,
    checkpointDiskGb: round(checkpoints * environment.checkpointSizeGb, 1),
    validations,
    videos: validations * videoNum,
    estimatedHours: round((steps * secondsPerStep) / 3600, 1),
    memoryPerGpuGb: estimateMemoryPerGpuGb(values),
  };
}

export interface MemoryRemedy {
  readonly id: 'halve-batch' | 'fewer-frames' | 'both';
  readonly title: string;
  readonly changes: Record<string, ConfigValue>;
  readonly memoryPerGpuGb: number;
  readonly globalBatch: number;
  readonly fits: boolean;
}

/** The FAQ's remedies (batch 4→2 with accumulation 1→2, frames 5→3, both), each with its new figures. */
export function memoryRemedies(values: Record<string, ConfigValue>, env: TrainingEnvironment): MemoryRemedy[] {
  const { gpuMemoryGb } = resolveEnvironment(env);
  const batch = number(values, 'train_batch_size');
  const accumulation = number(values, 'gradient_accumulation_steps');
  const frames = number(values, 'num_frames');
  const halveBatch: Record<string, ConfigValue> = {};
  if (batch >= 2) {
    const smaller = Math.floor(batch / 2);
    halveBatch.train_batch_size = smaller;
    // Keep the global batch: the same samples per optimizer step through more passes.
    halveBatch.gradient_accumulation_steps = Math.max(1, Math.round((accumulation * batch) / smaller));
  }
  const fewerFrames: Record<string, ConfigValue> =
    frames > 3 ? { num_frames: 3 } : frames > 1 ? { num_frames: frames - 1 } : {};
  const candidates: { id: MemoryRemedy['id']; changes: Record<string, ConfigValue> }[] = [
    { id: 'halve-batch', changes: halveBatch },
    { id: 'fewer-frames', changes: fewerFrames },
    { id: 'both', changes: { ...halveBatch, ...fewerFrames } },
  ];
  return candidates
    .filter(
      ({ id, changes }) =>
        Object.keys(changes).length > 0 &&
        (id !== 'both' || (Object.keys(halveBatch).length > 0 && Object.keys(fewerFrames).length > 0)),
    )
    .map(({ id, changes }) => {
      const next = { ...values, ...changes };
      const figures = deriveFigures(next, env);
      return {
        id,
        changes,
        title: describeChanges(values, changes),
        memoryPerGpuGb: figures.memoryPerGpuGb,
        globalBatch: figures.globalBatch,
        fits: figures.memoryPerGpuGb <= gpuMemoryGb,
      };
    });
}

export function describeChanges(values: Record<string, ConfigValue>, changes: Record<string, ConfigValue>): string {
  return Object.entries(changes)
    .filter(([field, value]) => !configValuesEqual(values[field], value))
    .map(([field, value]) => `${field} ${JSON.stringify(values[field] ?? null)} → ${JSON.stringify(value)}`)
    .join(', ');
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
