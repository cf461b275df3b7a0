// Turns a run's measured quality into what the Quality tab and the checkpoint rows show: finite numbers for the
// charts, formatted figures, where each figure comes from, and what was measured and how.
import type { QualitySnapshot } from '../../core/quality/qualityTracker';
import type { CheckpointQuality, StepQuality } from '../../core/quality/runQuality';
import { VIEWS_PER_SAMPLE, type QualityLayout, type Score } from '../../core/quality/sampleQuality';
import type {
  CheckpointQualityRow,
  CompareQualityView,
  QualityScore,
  QualityStepRow,
  QualityView,
} from '../../protocol/runDashboard';

const finite = (value: number) => (Number.isFinite(value) ? value : null);
const score = (value: Score): QualityScore => ({ psnr: finite(value.psnr), ssim: finite(value.ssim) });

const formatPsnr = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} dB` : '∞ dB');
const formatSsim = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : '–');

export function qualityStepRows(steps: readonly StepQuality[], history: number): QualityStepRow[] {
  return steps.map((step) => {
    const { worst } = step;
    const name = worst.file.split('/').pop() ?? worst.file;
    const sample = Math.floor(worst.column / VIEWS_PER_SAMPLE);
    const view = worst.column % VIEWS_PER_SAMPLE;
    return {
      step: step.step,
      videos: step.videos,
      ...score(step),
      perView: step.perView.map(score),
      perHorizon: step.perHorizon.map(score),
      worst: {
        key: worst.file,
        frame: worst.frame,
        frames: history + step.perHorizon.length,
        column: worst.column,
        columns: worst.columns,
        text: `Worst tile of step ${step.step.toLocaleString('en-US')}: ${name}, sample ${sample}, view ${view}, predicted frame ${worst.frame - history + 1} (SSIM ${formatSsim(worst.ssim)}).`,
      },
    };
  });
}

export function checkpointQualityRows(rows: readonly CheckpointQuality[]): CheckpointQualityRow[] {
  return rows.flatMap(({ step, measured, best }) =>
    measured
      ? [
          {
            step,
            psnrText: formatPsnr(measured.psnr),
            ssimText: formatSsim(measured.ssim),
            source:
              measured.step === step
                ? `Validation at this step (${measured.videos} video${measured.videos === 1 ? '' : 's'}).`
                : `Validation at step ${measured.step.toLocaleString('en-US')}, the nearest before this checkpoint.`,
            best,
          },
        ]
      : [],
  );
}

/** What is measured, in the tab itself: the metric, the tiles and what is left out. */
export function qualityMethod(layout: QualityLayout | undefined): string {
  const metric =
    'Each predicted tile (bottom half of a validation video) is compared with the ground truth above it: PSNR in dB, and SSIM on luma (the 8-bit Y plane) with the standard 11×11 Gaussian window, σ 1.5.';
  if (!layout) return `${metric} Waiting for the run's config for its tile size and num_history.`;
  return `${metric} Tiles of ${layout.width}×${layout.height} (the config's width × height), 2 samples × 3 views per row; the first ${layout.history} frames (num_history) are ground-truth history, not predictions, and are excluded. A step's figures are the mean over its videos.`;
}

export function qualityView(snapshot: QualitySnapshot): QualityView {
  return {
    steps: qualityStepRows(snapshot.steps, snapshot.layout?.history ?? 0),
    checkpoints: checkpointQualityRows(snapshot.checkpoints),
    method: qualityMethod(snapshot.layout),
    status: snapshot.status,
    ...(snapshot.progress ? { progress: snapshot.progress } : {}),
    left: snapshot.left,
    failures: snapshot.failures,
  };
}

const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/** A compared run: its mean per validation step, and one line on how far its measuring is. */
export function compareQualityView(snapshot: QualitySnapshot): CompareQualityView {
  const steps = snapshot.steps.map((step) => ({ step: step.step, ...score(step) }));
  const best = snapshot.checkpoints.find((checkpoint) => checkpoint.best);
  const parts: string[] = [];
  if (snapshot.status === 'waiting') parts.push('waiting for its config…');
  else if (snapshot.status === 'measuring' && snapshot.progress)
    parts.push(`measuring video ${snapshot.progress.done + 1} of ${snapshot.progress.total}…`);
  if (snapshot.steps.length > 0) parts.push(plural(snapshot.steps.length, 'validation step'));
  if (best?.measured)
    parts.push(`best checkpoint ${best.step.toLocaleString('en-US')} (SSIM ${formatSsim(best.measured.ssim)})`);
  if (snapshot.status === 'stopped') parts.push(`${plural(snapshot.left, 'video')} not measured yet`);
  if (snapshot.failures.length > 0) parts.push(`${plural(snapshot.failures.length, 'video')} failed (see the log)`);
  if (parts.length === 0) parts.push('no validation video yet');
  return { steps, text: parts.join(' · ') };
}
