// What the Quality tab and the checkpoint rows are given: finite numbers for charts, the worst tile in words, where
// a checkpoint's figures come from, and what is measured and how.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointQualities, stepQualities } from '../../src/core/quality/runQuality';
import type { SampleQuality } from '../../src/core/quality/sampleQuality';
import { compareQualityView, qualityMethod, qualityView } from '../../src/views/dashboard/presentQuality';

const layout = { height: 48, width: 80, history: 6 };

function video(step: number, psnr: number, ssim: number): SampleQuality {
  return {
    file: `/out/samples/train_steps_${step}_0.mp4`,
    step,
    id: 0,
    psnr,
    ssim,
    perView: [
      { psnr, ssim },
      { psnr: Infinity, ssim: 1 },
      { psnr, ssim },
    ],
    perSample: [
      { psnr, ssim },
      { psnr, ssim },
    ],
    perHorizon: Array.from({ length: 5 }, (_, i) => ({ psnr: psnr - i, ssim: ssim - i / 100 })),
    worst: { frame: 8, column: 4, ssim: ssim - 0.2 },
  };
}

test('steps as the charts take them: an infinite PSNR is no point, the worst tile says where it is', () => {
  const steps = stepQualities([video(600, 30, 0.9), video(1200, 33, 0.95)]);
  const view = qualityView({
    steps,
    checkpoints: checkpointQualities([500, 1000, 1200], steps),
    layout,
    status: 'done',
    left: 0,
    failures: [],
  });
  assert.deepEqual(
    view.steps.map((row) => [row.step, row.psnr, row.perView[1]]),
    [
      [600, 30, { psnr: null, ssim: 1 }],
      [1200, 33, { psnr: null, ssim: 1 }],
    ],
  );
  assert.deepEqual(view.steps[0]!.worst, {
    key: '/out/samples/train_steps_600_0.mp4',
    frame: 8,
    frames: 11,
    column: 4,
    columns: 6,
    text: 'Worst tile of step 600: train_steps_600_0.mp4, sample 1, view 1, predicted frame 3 (SSIM 0.7000).',
  });
  assert.deepEqual(
    view.checkpoints.map((row) => [row.step, row.ssimText, row.psnrText, row.best, row.source]),
    [
      [1000, '0.9000', '30.00 dB', false, 'Validation at step 600, the nearest before this checkpoint.'],
      [1200, '0.9500', '33.00 dB', true, 'Validation at this step (1 video).'],
    ],
  );
});

test('the tab says which SSIM, which tiles, and that the history frames are left out', () => {
  const method = qualityMethod(layout);
  assert.match(method, /SSIM on luma .* 11×11 Gaussian window, σ 1\.5/);
  assert.match(method, /Tiles of 80×48/);
  assert.match(method, /first 6 frames \(num_history\) .* excluded/);
  assert.match(qualityMethod(undefined), /Waiting for the run's config/);
});

test('a compared run: its mean per step for the overlay, and a line on its measuring and best checkpoint', () => {
  const steps = stepQualities([video(600, 30, 0.9), video(1200, Infinity, 0.95)]);
  const base = { steps, checkpoints: checkpointQualities([600, 1200], steps), layout, left: 0, failures: [] };
  const done = compareQualityView({ ...base, status: 'done' });
  assert.deepEqual(done.steps, [
    { step: 600, psnr: 30, ssim: 0.9 },
    { step: 1200, psnr: null, ssim: 0.95 },
  ]);
  assert.equal(done.text, '2 validation steps · best checkpoint 1,200 (SSIM 0.9500)');
  assert.equal(
    compareQualityView({ ...base, status: 'measuring', progress: { done: 1, total: 3 }, left: 3 }).text,
    'measuring video 2 of 3… · 2 validation steps · best checkpoint 1,200 (SSIM 0.9500)',
  );
  assert.equal(
    compareQualityView({ ...base, status: 'stopped', left: 1, failures: ['a: broken'] }).text,
    '2 validation steps · best checkpoint 1,200 (SSIM 0.9500) · 1 video not measured yet · 1 video failed (see the log)',
  );
  const empty = { steps: [], checkpoints: [], left: 0, failures: [] };
  assert.equal(compareQualityView({ ...empty, status: 'waiting' }).text, 'waiting for its config…');
  assert.equal(compareQualityView({ ...empty, layout, status: 'done' }).text, 'no validation video yet');
});
