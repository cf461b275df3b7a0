// A run's quality over training: its validation videos' scores gathered per validation step, and each checkpoint
// judged by the nearest validation at or before it (upstream validates and saves at different intervals).
import { defaultValues, type ConfigValue } from '../config';
import { isFinished, type OutputListing, type SampleFile } from '../training/outputs';
import { meanScore, VIEWS_PER_SAMPLE, type QualityLayout, type SampleQuality, type Score } from './sampleQuality';

export interface StepQuality extends Score {
  readonly step: number;
  /** The videos measured for this step (a validation writes video_num of them). */
  readonly videos: number;
  readonly perView: Score[];
  /** Predicted frame 1, 2, … over every tile of the step's videos. */
  readonly perHorizon: Score[];
  /** The step's worst predicted tile: its video (as the result's `file`), frame, column and the columns per row. */
  readonly worst: {
    readonly file: string;
    readonly frame: number;
    readonly column: number;
    readonly columns: number;
    readonly ssim: number;
  };
}

export interface CheckpointQuality {
  readonly step: number;
  /** The validation that stands for it; undefined when none was measured at or before it. */
  readonly measured?: StepQuality;
  /** The checkpoint to download: the highest SSIM so far (PSNR breaks ties). */
  readonly best: boolean;
}

/** The tiles of a run's validation videos: its config's height, width and num_history, upstream's defaults else. */
export function qualityLayout(values: Readonly<Record<string, ConfigValue>> = {}): QualityLayout {
  const defaults = defaultValues();
  const whole = (name: string) => {
    const value = values[name];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : (defaults[name] as number);
  };
  return { height: whole('height'), width: whole('width'), history: whole('num_history') };
}

/** Per validation step, oldest first; results without a step (a file not named train_steps_N_I.mp4) are left out. */
export function stepQualities(results: readonly SampleQuality[]): StepQuality[] {
  const byStep = new Map<number, SampleQuality[]>();
  for (const result of results) {
    if (result.step === undefined) continue;
    byStep.set(result.step, [...(byStep.get(result.step) ?? []), result]);
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, videos]) => {
      const worst = videos.reduce((low, video) => (video.worst.ssim < low.worst.ssim ? video : low));
      const horizons = Math.max(...videos.map((video) => video.perHorizon.length));
      return {
        step,
        videos: videos.length,
        ...meanScore(videos),
        perView: Array.from({ length: VIEWS_PER_SAMPLE }, (_, view) =>
          meanScore(videos.flatMap((video) => video.perView[view] ?? [])),
        ),
        perHorizon: Array.from({ length: horizons }, (_, horizon) =>
          meanScore(videos.flatMap((video) => video.perHorizon[horizon] ?? [])),
        ),
        worst: { ...worst.worst, file: worst.file, columns: worst.perSample.length * VIEWS_PER_SAMPLE },
      };
    });
}

/** Better: higher SSIM, then higher PSNR. */
function better(a: Score, b: Score): boolean {
  return a.ssim > b.ssim || (a.ssim === b.ssim && a.psnr > b.psnr);
}

/**
 * Each checkpoint with the nearest measured validation at or before its step. Of checkpoints standing on the same
 * validation the earliest is marked best: its weights are the closest to the ones that validation measured. One
 * still being written (`writing`, by step) shows its quality but is never the best: it cannot be downloaded yet.
 */
export function checkpointQualities(
  checkpointSteps: readonly number[],
  steps: readonly StepQuality[],
  writing: readonly number[] = [],
): CheckpointQuality[] {
  const sorted = [...steps].sort((a, b) => a.step - b.step);
  const rows = checkpointSteps.map((step) => {
    const measured = sorted.filter((validation) => validation.step <= step).pop();
    return { step, ...(measured ? { measured } : {}) };
  });
  let best: (typeof rows)[number] | undefined;
  for (const row of [...rows].sort((a, b) => a.step - b.step))
    if (row.measured && !writing.includes(row.step) && (!best?.measured || better(row.measured, best.measured)))
      best = row;
  return rows.map((row) => ({ ...row, best: row === best }));
}

/** The videos that can be measured: finished ones (one still being written would be measured half-made). */
export function measurableSamples(listing: OutputListing): SampleFile[] {
  return listing.samples.filter((sample) => sample.exists && !sample.writing);
}

/**
 * The quality of a listing's checkpoints from the scores already known of its videos (`known` looks one up and
 * measures nothing), for views that show quality without measuring.
 */
export async function knownCheckpointQualities(
  listing: OutputListing,
  known: (sample: SampleFile) => Promise<SampleQuality | undefined>,
): Promise<CheckpointQuality[]> {
  const results = await Promise.all(measurableSamples(listing).map((sample) => known(sample)));
  return checkpointQualities(
    listing.checkpoints.map((checkpoint) => checkpoint.step),
    stepQualities(results.filter((result): result is SampleQuality => result !== undefined)),
    listing.checkpoints.filter((checkpoint) => !isFinished(checkpoint)).map((checkpoint) => checkpoint.step),
  );
}
