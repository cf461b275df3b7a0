// A run's quality per validation step, each checkpoint's nearest validation and the best one, and the scores kept
// on disk per video version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { QualityCache } from '../../src/core/quality/qualityCache';
import {
  checkpointQualities,
  knownCheckpointQualities,
  measurableSamples,
  stepQualities,
} from '../../src/core/quality/runQuality';
import type { OutputListing } from '../../src/core/training/outputs';
import type { SampleQuality, Score } from '../../src/core/quality/sampleQuality';
import { tempDir } from '../support/fixtures';

function video(step: number, id: number, ssim: number, psnr = 20 + 10 * ssim): SampleQuality {
  const score: Score = { psnr, ssim };
  return {
    file: `/out/samples/train_steps_${step}_${id}.mp4`,
    step,
    id,
    ...score,
    perView: [score, score, { psnr: psnr - 1, ssim: ssim - 0.1 }],
    perSample: [score, score],
    perHorizon: [
      { psnr: psnr + 1, ssim: ssim + 0.01 },
      { psnr: psnr - 1, ssim: ssim - 0.01 },
    ],
    worst: { frame: 7, column: id + 1, ssim: ssim - 0.2 },
  };
}

test('validation steps gather their videos: means per view and horizon, the worst tile of all', () => {
  const steps = stepQualities([
    video(200, 0, 0.8),
    video(100, 0, 0.5),
    video(200, 1, 0.6),
    { ...video(1, 0, 1), step: undefined },
  ]);
  assert.deepEqual(
    steps.map((s) => [s.step, s.videos]),
    [
      [100, 1],
      [200, 2],
    ],
  );
  const step200 = steps[1]!;
  assert.ok(Math.abs(step200.ssim - 0.7) < 1e-12);
  assert.ok(Math.abs(step200.perView[2]!.ssim - 0.6) < 1e-12);
  assert.ok(Math.abs(step200.perHorizon[0]!.ssim - 0.71) < 1e-12);
  assert.deepEqual(step200.worst, {
    file: '/out/samples/train_steps_200_1.mp4',
    frame: 7,
    column: 2,
    columns: 6,
    ssim: 0.6 - 0.2,
  });
  // A tile identical to its truth has an infinite PSNR: the mean is over the finite ones.
  assert.equal(stepQualities([video(5, 0, 1, Infinity), video(5, 1, 0.9, 30)])[0]!.psnr, 30);
});

test("each checkpoint stands on the nearest validation at or before it; the best is the highest SSIM's first", () => {
  const steps = stepQualities([video(250, 0, 0.6), video(500, 0, 0.9), video(750, 0, 0.8)]);
  const rows = checkpointQualities([100, 300, 500, 600, 800], steps);
  assert.deepEqual(
    rows.map((row) => [row.step, row.measured?.step, row.best]),
    [
      [100, undefined, false],
      [300, 250, false],
      [500, 500, true],
      [600, 500, false],
      [800, 750, false],
    ],
  );
  // Equal SSIM: the higher PSNR wins.
  const tied = checkpointQualities([1, 2], stepQualities([video(1, 0, 0.9, 30), video(2, 0, 0.9, 31)]));
  assert.deepEqual(
    tied.map((row) => row.best),
    [false, true],
  );
  assert.ok(checkpointQualities([100], []).every((row) => !row.best));
});

test('a checkpoint still being written shows its quality but the best is one that can be downloaded', () => {
  const steps = stepQualities([video(200, 0, 0.6), video(400, 0, 0.9)]);
  const rows = checkpointQualities([200, 400], steps, [400]);
  assert.deepEqual(
    rows.map((row) => [row.step, row.measured?.step, row.best]),
    [
      [200, 200, true],
      [400, 400, false],
    ],
  );
});

test('known quality of a listing: only finished videos are looked up, and nothing is measured', async () => {
  const file = (name: string, extra: object = {}) => ({
    name,
    path: `/out/${name}`,
    size: 10,
    mtimeMs: 1,
    exists: true,
    ...extra,
  });
  const sample = (step: number, index: number, extra: object = {}) => ({
    ...file(`samples/train_steps_${step}_${index}.mp4`, extra),
    step,
    index,
  });
  const listing = {
    dir: '/out',
    exists: true,
    checkpoints: [
      { ...file('checkpoint-300.pt'), step: 300 },
      { ...file('checkpoint-600.pt'), step: 600 },
      { ...file('checkpoint-900.pt', { writing: 'growing' }), step: 900 },
    ],
    samples: [
      sample(800, 0, { writing: 'growing' }),
      sample(600, 0),
      sample(200, 0),
      sample(200, 1, { exists: false }),
    ],
    disk: { freeBytes: 1, totalBytes: 2 },
  } as unknown as OutputListing;
  assert.deepEqual(
    measurableSamples(listing).map((s) => s.path),
    ['/out/samples/train_steps_600_0.mp4', '/out/samples/train_steps_200_0.mp4'],
  );
  const asked: string[] = [];
  const known = new Map([[`/out/samples/train_steps_200_0.mp4`, video(200, 0, 0.7)]]);
  const rows = await knownCheckpointQualities(listing, async (s) => {
    asked.push(s.path);
    return known.get(s.path);
  });
  assert.deepEqual(asked.sort(), ['/out/samples/train_steps_200_0.mp4', '/out/samples/train_steps_600_0.mp4']);
  // Step 600 is not measured yet: every checkpoint stands on step 200, the earliest is the best.
  assert.deepEqual(
    rows.map((row) => [row.step, row.measured?.step, row.best]),
    [
      [300, 200, true],
      [600, 200, false],
      [900, 200, false],
    ],
  );
});

test('scores are kept per video version and layout, Infinity included, and measured once', async () => {
  const { dir, cleanup } = await tempDir('cwf-quality-cache-');
  try {
    const cache = new QualityCache(dir, 2);
    const layout = { height: 48, width: 80, history: 6 };
    const source = { hostKey: 'gpu', remotePath: '/out/samples/train_steps_100_0.mp4', size: 1000, mtimeMs: 5 };
    let measured = 0;
    const measure = async () => {
      measured++;
      return { ...video(100, 0, 0.9, Infinity), file: '/local/cache/abc-train_steps_100_0.mp4' };
    };
    const [first, again] = await Promise.all([cache.get(source, layout, measure), cache.get(source, layout, measure)]);
    assert.equal(measured, 1);
    assert.equal(first, again);
    assert.equal(first.file, source.remotePath);
    const stored = await cache.lookup(source, layout);
    assert.equal(stored?.psnr, Infinity);
    assert.deepEqual(stored, first);
    await cache.get(source, layout, measure);
    assert.equal(measured, 1);
    // A video written anew, or measured with other tiles, is measured again.
    await cache.get({ ...source, mtimeMs: 6 }, layout, measure);
    await cache.get(source, { ...layout, history: 4 }, measure);
    assert.equal(measured, 3);
    assert.equal((await readdir(dir)).length, 2, 'no more files than the limit');
    // A damaged file is measured again.
    await writeFile(cache.fileFor(source, layout), '{"format": 1, "res');
    assert.equal(await cache.lookup(source, layout), undefined);
  } finally {
    await cleanup();
  }
});
