// The defaults of the training environment, the same numbers as the ctrlWorld.training.* settings' defaults
// (a unit test keeps the two equal), for callers such as the CLI that have no settings.
import type { TrainingEnvironment } from './types';

export const DEFAULT_ENVIRONMENT = {
  gpus: 8,
  gpuMemoryGb: 80,
  /** State-dict checkpoints of the whole model (UNet plus frozen VAE and encoders); the released one is ~8 GB. */
  checkpointSizeGb: 8,
  /** The seed config (100,000 steps) runs ~40 h on 8 x A100: 40 x 3600 / 100,000 = 1.44 s per step. */
  referenceSecondsPerStep: 1.44,
} as const;

export type ResolvedEnvironment = Required<Omit<TrainingEnvironment, 'secondsPerStep'>> &
  Pick<TrainingEnvironment, 'secondsPerStep'>;

export function resolveEnvironment(env: Partial<TrainingEnvironment> = {}): ResolvedEnvironment {
  return {
    gpus: positive(env.gpus) ?? DEFAULT_ENVIRONMENT.gpus,
    gpuMemoryGb: positive(env.gpuMemoryGb) ?? DEFAULT_ENVIRONMENT.gpuMemoryGb,
    checkpointSizeGb: positive(env.checkpointSizeGb) ?? DEFAULT_ENVIRONMENT.checkpointSizeGb,
    referenceSecondsPerStep: positive(env.referenceSecondsPerStep) ?? DEFAULT_ENVIRONMENT.referenceSecondsPerStep,
    secondsPerStep: positive(env.secondsPerStep),
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
