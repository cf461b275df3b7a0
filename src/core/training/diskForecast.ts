// Will the next checkpoints fit? Disk left on the output volume against the checkpoints the run has still to write.
import { formatBytes } from '../format';
import { isFinished, type CheckpointFile } from './outputs';

export type ForecastLevel = 'ok' | 'warning' | 'critical';

export interface DiskForecast {
  readonly freeBytes: number;
  /** The size one more checkpoint takes: the largest finished one, else the configured estimate. */
  readonly checkpointBytes: number;
  /** How many more checkpoints fit in the free space. */
  readonly fits: number;
  /** Checkpoints the run will still write; undefined when unknown (a plain folder, a finished run). */
  readonly remaining?: number;
  /** The step whose checkpoint will not fit, when the disk runs out before the run ends. */
  readonly runsOutAtStep?: number;
  readonly level: ForecastLevel;
  readonly message: string;
}

export interface ForecastInput {
  readonly freeBytes: number;
  readonly checkpoints: readonly CheckpointFile[];
  /** ctrlWorld.training.checkpointSizeGb, for a run that has written none yet. */
  readonly estimatedCheckpointBytes: number;
  /** Known for a run that is still training. */
  readonly progress?: { readonly totalSteps: number };
  /** checkpointing_steps from the config; inferred from the checkpoints' steps when absent. */
  readonly checkpointEvery?: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The spacing of the checkpoints written so far (10000 for 10000, 20000, 30000). */
export function inferCheckpointEvery(steps: readonly number[]): number | undefined {
  const positive = steps.filter((step) => step > 0);
  return positive.length > 0 ? positive.reduce(gcd) : undefined;
}

export function forecastDisk(input: ForecastInput): DiskForecast {
  const finished = input.checkpoints.filter(isFinished);
  const checkpointBytes = Math.max(
    1,
    finished.length > 0 ? Math.max(...finished.map((c) => c.size)) : input.estimatedCheckpointBytes,
  );
  const fits = Math.floor(input.freeBytes / checkpointBytes);
  const base = { freeBytes: input.freeBytes, checkpointBytes, fits };
  const room = `${formatBytes(input.freeBytes)} free: room for ${fits.toLocaleString('en-US')} more checkpoint${fits === 1 ? '' : 's'} of ${formatBytes(checkpointBytes)}`;
  const every = input.checkpointEvery ?? inferCheckpointEvery(input.checkpoints.map((c) => c.step));
  if (!input.progress || !every) {
    const level: ForecastLevel = fits === 0 ? 'critical' : fits < 2 ? 'warning' : 'ok';
    return { ...base, level, message: `${room}.` };
  }
  // Every checkpoint after the last finished one is still to come; one being saved needs its whole size too.
  const saved = Math.max(0, ...finished.map((c) => c.step));
  const remaining = Math.max(0, Math.floor(input.progress.totalSteps / every) - Math.floor(saved / every));
  if (fits >= remaining)
    return { ...base, remaining, level: 'ok', message: `${room}; the run writes ${remaining} more.` };
  const runsOutAtStep = (Math.floor(saved / every) + fits + 1) * every;
  const level: ForecastLevel = fits === 0 ? 'critical' : 'warning';
  return {
    ...base,
    remaining,
    runsOutAtStep,
    level,
    message: `${room}, but the run writes ${remaining} more: checkpoint-${runsOutAtStep}.pt will not fit. Free space on the host or download and delete older checkpoints.`,
  };
}
