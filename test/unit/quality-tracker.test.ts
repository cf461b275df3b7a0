// How a dashboard's quality follows its folder: cached scores first, then each finished video measured once, newest
// first, in the background; cancelled and resumed; failures listed, a missing ffmpeg stopping everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, UserFacingError } from '../../src/core/errors';
import { QualityTracker, type QualitySource } from '../../src/core/quality/qualityTracker';
import type { QualityLayout, SampleQuality } from '../../src/core/quality/sampleQuality';
import type { OutputListing, SampleFile } from '../../src/core/training/outputs';

const tiles = (): QualityLayout => ({ height: 48, width: 80, history: 6 });

function sample(step: number, index: number, extra: Partial<SampleFile> = {}): SampleFile {
  const name = `train_steps_${step}_${index}.mp4`;
  return { name, path: `/out/samples/${name}`, size: 1000 + step, mtimeMs: step, exists: true, step, index, ...extra };
}

function listing(samples: SampleFile[], checkpoints: number[] = []): OutputListing {
  return {
    dir: '/out',
    exists: true,
    checkpoints: checkpoints.map((step) => ({
      name: `checkpoint-${step}.pt`,
      path: `/out/checkpoint-${step}.pt`,
      size: 1,
      mtimeMs: step,
      exists: true,
      step,
    })),
    samples: [...samples].sort((a, b) => b.step - a.step || a.index - b.index),
    disk: { freeBytes: 1, totalBytes: 2 },
  };
}

function score(sample: SampleFile): SampleQuality {
  const ssim = sample.step / 10_000;
  const value = { psnr: 20 + ssim, ssim };
  return {
    file: sample.path,
    step: sample.step,
    id: sample.index,
    ...value,
    perView: [value, value, value],
    perSample: [value, value],
    perHorizon: [value],
    worst: { frame: 6, column: 0, ssim },
  };
}

/** A source whose measuring waits until released, recording the order of its calls. */
function fakeSource(cached: SampleFile[] = []) {
  const measured: string[] = [];
  const waiting: Array<() => void> = [];
  let failWith: ((sample: SampleFile) => Error | undefined) | undefined;
  const source: QualitySource = {
    cached: async (s) => (cached.some((c) => c.path === s.path) ? score(s) : undefined),
    measure: (s, _layout, signal) =>
      new Promise((resolve, reject) => {
        measured.push(s.name);
        signal.addEventListener('abort', () => reject(new CancelledError()));
        waiting.push(() => {
          const error = failWith?.(s);
          if (error) reject(error);
          else resolve(score(s));
        });
      }),
  };
  return {
    source,
    measured,
    failing: (rule: (sample: SampleFile) => Error | undefined) => (failWith = rule),
    /** Lets every waiting measure finish, until none is left. */
    async drain() {
      for (let rounds = 0; rounds < 100; rounds++) {
        await new Promise((resolve) => setImmediate(resolve));
        const next = waiting.shift();
        if (next) next();
        else if (rounds > 3) return;
      }
    },
  };
}

function tracker(source: QualitySource) {
  const reports: Array<[number, number]> = [];
  const failed: string[] = [];
  const quality = new QualityTracker(source, {
    changed: () => undefined,
    failed: (s) => failed.push(s.name),
    pass: (task) => task((done, total) => reports.push([done, total])),
  });
  return { quality, reports, failed };
}

test('cached scores come at once; the rest are measured once asked, newest step first, and never again', async () => {
  const videos = [sample(200, 0), sample(400, 0), sample(400, 1), sample(600, 0, { writing: 'recent' })];
  const fake = fakeSource([videos[0]!]);
  const { quality, reports } = tracker(fake.source);
  await quality.update(listing(videos, [200, 400]), undefined);
  assert.equal(quality.snapshot().status, 'waiting');
  quality.request(true);
  await quality.update(listing(videos, [200, 400]), tiles());
  assert.deepEqual(
    quality.snapshot().steps.map((s) => s.step),
    [200],
  );
  assert.equal(quality.snapshot().status, 'measuring');
  await fake.drain();
  // The video still being written is left for later.
  assert.deepEqual(fake.measured, ['train_steps_400_0.mp4', 'train_steps_400_1.mp4']);
  assert.deepEqual(reports, [
    [0, 2],
    [1, 2],
  ]);
  const done = quality.snapshot();
  assert.deepEqual([done.status, done.left, done.steps.length], ['done', 0, 2]);
  assert.deepEqual(
    done.checkpoints.map((c) => [c.step, c.best]),
    [
      [200, false],
      [400, true],
    ],
  );
  // The same tiles again (a new object with each listing) measure nothing; the finished video is measured.
  await quality.update(listing([...videos.slice(0, 3), sample(600, 0)], [200, 400]), tiles());
  await fake.drain();
  assert.deepEqual(fake.measured.slice(2), ['train_steps_600_0.mp4']);
  // A video written anew is measured anew.
  await quality.update(listing([...videos.slice(0, 3), sample(600, 0, { mtimeMs: 9 })]), tiles());
  await fake.drain();
  assert.equal(fake.measured.length, 4);
  // Other tiles start over.
  await quality.update(listing([sample(400, 0)]), { ...tiles(), history: 4 });
  await fake.drain();
  assert.deepEqual(fake.measured.slice(4), ['train_steps_400_0.mp4']);
});

test('cancel keeps what was measured; a shown tab does not resume, the button does', async () => {
  const videos = [sample(200, 0), sample(400, 0), sample(600, 0)];
  const fake = fakeSource();
  const { quality } = tracker(fake.source);
  await quality.update(listing(videos), tiles());
  assert.equal(quality.snapshot().status, 'stopped', 'nothing measured before it is asked');
  quality.request(true);
  await fake.drain();
  assert.equal(fake.measured.length, 3);
  await quality.update(listing([...videos, sample(800, 0), sample(1000, 0)]), tiles());
  await new Promise((resolve) => setImmediate(resolve));
  quality.cancel();
  await fake.drain();
  assert.deepEqual([quality.snapshot().status, quality.snapshot().left], ['stopped', 2]);
  quality.request(true);
  await fake.drain();
  assert.equal(quality.snapshot().left, 2);
  quality.request(false);
  await fake.drain();
  assert.deepEqual([quality.snapshot().status, quality.snapshot().left], ['done', 0]);
});

test('a video that cannot be measured is listed and the others go on; without ffmpeg everything stops', async () => {
  const fake = fakeSource();
  const { quality, failed } = tracker(fake.source);
  fake.failing((s) =>
    s.step === 400 ? new UserFacingError('train_steps_400_0.mp4 is 480x96: with tiles of 320x192 …') : undefined,
  );
  await quality.update(listing([sample(200, 0), sample(400, 0), sample(600, 0)]), tiles());
  quality.request(true);
  await fake.drain();
  assert.deepEqual(failed, ['train_steps_400_0.mp4']);
  assert.deepEqual(quality.snapshot().failures, [
    'train_steps_400_0.mp4: train_steps_400_0.mp4 is 480x96: with tiles of 320x192 …',
  ]);
  assert.deepEqual([quality.snapshot().status, quality.snapshot().steps.length], ['done', 2]);

  const missing = fakeSource();
  const second = tracker(missing.source);
  missing.failing(() => new UserFacingError('ffmpeg was not found on this machine.', undefined, 'no-ffmpeg'));
  await second.quality.update(listing([sample(200, 0), sample(400, 0)]), tiles());
  second.quality.request(true);
  await missing.drain();
  assert.deepEqual(missing.measured, ['train_steps_400_0.mp4'], 'one try, not one per video');
  assert.equal(second.quality.snapshot().status, 'stopped');
  // Asked again by hand (ffmpeg installed meanwhile), the failed one is tried again.
  missing.failing(() => undefined);
  second.quality.request(false);
  await missing.drain();
  assert.deepEqual([second.quality.snapshot().status, second.quality.snapshot().failures], ['done', []]);
});
