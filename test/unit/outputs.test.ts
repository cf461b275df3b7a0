import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  finishedCheckpoint,
  newestSample,
  parseListing,
  sampleGroups,
  withPreviousListing,
  type OutputListing,
} from '../../src/core/training/outputs';
import { forecastDisk, inferCheckpointEvery } from '../../src/core/training/diskForecast';
import { UserFacingError } from '../../src/core/errors';

const GiB = 1024 ** 3;

function raw(
  name: string,
  numbers: number[],
  extra: { size?: number; writing?: 'partial' | 'growing' | 'recent' | null; exists?: boolean } = {},
) {
  return {
    name,
    path: `/out/${name}`,
    size: extra.size ?? 8 * GiB,
    mtime: 1_800_000_000 + numbers[0],
    numbers,
    writing: extra.writing ?? null,
    exists: extra.exists ?? true,
  };
}

function listing(): OutputListing {
  return parseListing({
    dir: '/out',
    exists: true,
    checkpoints: [
      raw('checkpoint-20000.pt', [20000]),
      raw('checkpoint-10000.pt', [10000]),
      raw('checkpoint-30000.pt', [30000], { size: 3 * GiB, writing: 'growing' }),
    ],
    samples: [
      raw('train_steps_25000_1.mp4', [25000, 1], { size: 1e6 }),
      raw('train_steps_25000_0.mp4', [25000, 0], { size: 1e6 }),
      raw('train_steps_50000_0.mp4', [50000, 0], { size: 4e5, writing: 'partial', exists: false }),
    ],
    disk: { freeBytes: 20 * GiB, totalBytes: 100 * GiB },
    owner: { runId: 'r1', runDir: '/reg/runs/r1', logFile: null },
  });
}

test('a listing is sorted, keeps the writing state and drops an absent log', () => {
  const out = listing();
  assert.deepEqual(
    out.checkpoints.map((c) => [c.step, c.writing ?? 'done']),
    [
      [10000, 'done'],
      [20000, 'done'],
      [30000, 'growing'],
    ],
  );
  assert.deepEqual(
    out.samples.map((s) => `${s.step}_${s.index}`),
    ['50000_0', '25000_0', '25000_1'],
  );
  assert.deepEqual(out.owner, { runId: 'r1', runDir: '/reg/runs/r1' });
  assert.equal(out.checkpoints[0].mtimeMs, 1_800_010_000_000);
});

test('a checkpoint still being written is never offered', () => {
  const out = listing();
  assert.equal(finishedCheckpoint(out, 20000).path, '/out/checkpoint-20000.pt');
  assert.throws(
    () => finishedCheckpoint(out, 30000),
    (e: unknown) => e instanceof UserFacingError && e.code === 'checkpoint-writing',
  );
  assert.throws(
    () => finishedCheckpoint(out, 40000),
    (e: unknown) => e instanceof UserFacingError && e.code === 'no-checkpoint',
  );
});

test('a size that changed since the last listing marks the file as growing', () => {
  const before = listing();
  const now = parseListing({
    dir: '/out',
    exists: true,
    owner: null,
    disk: before.disk,
    samples: [],
    checkpoints: [raw('checkpoint-10000.pt', [10000]), raw('checkpoint-20000.pt', [20000], { size: 9 * GiB })],
  });
  assert.deepEqual(
    withPreviousListing(now, before).checkpoints.map((c) => c.writing ?? 'done'),
    ['done', 'growing'],
  );
});

test('samples group by step, newest first; the preview takes the newest finished one', () => {
  const out = listing();
  assert.deepEqual(
    sampleGroups(out.samples).map((g) => [g.step, g.samples.map((s) => s.index)]),
    [
      [50000, [0]],
      [25000, [0, 1]],
    ],
  );
  assert.equal(newestSample(out.samples)?.name, 'train_steps_25000_0.mp4');
  assert.equal(newestSample([]), undefined);
});

test('the disk forecast counts the checkpoints still to come and names the one that will not fit', () => {
  const out = listing();
  assert.equal(inferCheckpointEvery([10000, 20000, 30000]), 10000);
  const tight = forecastDisk({
    freeBytes: out.disk.freeBytes,
    checkpoints: out.checkpoints,
    estimatedCheckpointBytes: GiB,
    progress: { totalSteps: 100000 },
  });
  // 20 GiB free, 8 GiB each: 2 fit; 30000 (being written) to 100000 are 8 more.
  assert.deepEqual([tight.fits, tight.remaining, tight.runsOutAtStep, tight.level], [2, 8, 50000, 'warning']);
  assert.match(tight.message, /checkpoint-50000\.pt will not fit/);
  const full = forecastDisk({
    freeBytes: GiB,
    checkpoints: out.checkpoints,
    estimatedCheckpointBytes: GiB,
    progress: { totalSteps: 100000 },
  });
  assert.equal(full.level, 'critical');
  const roomy = forecastDisk({
    freeBytes: 500 * GiB,
    checkpoints: [],
    estimatedCheckpointBytes: 8 * GiB,
    progress: { totalSteps: 100000 },
    checkpointEvery: 10000,
  });
  assert.deepEqual([roomy.fits, roomy.remaining, roomy.level], [62, 10, 'ok']);
  const folder = forecastDisk({ freeBytes: 12 * GiB, checkpoints: out.checkpoints, estimatedCheckpointBytes: GiB });
  assert.deepEqual([folder.fits, folder.remaining, folder.level], [1, undefined, 'warning']);
});
