// A run's quality from its real validation videos: the stand-in trainer writes them with ffmpeg in upstream's
// layout on the real sshd host, whose predictions improve with the step (or peak and get worse again); each is
// fetched over SSH into the sample cache, scored on the worker thread and kept in the quality cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { SampleCache } from '../../src/core/media/sampleCache';
import { QualityCache } from '../../src/core/quality/qualityCache';
import { QualityThread } from '../../src/core/quality/qualityThread';
import { checkpointQualities, qualityLayout, stepQualities } from '../../src/core/quality/runQuality';
import type { QualityLayout, SampleQuality } from '../../src/core/quality/sampleQuality';
import { download } from '../../src/core/remote/transfer';
import { launchRun } from '../../src/core/training/launch';
import { listOutputs, type SampleFile } from '../../src/core/training/outputs';
import { tempDir } from '../support/fixtures';
import { launchRequest, startTrainingHost, waitFor, type TrainingHost } from '../support/trainingHost';

const TOOLS = { ffmpeg: 'ffmpeg' };
let training: TrainingHost;
let work: { dir: string; cleanup: () => Promise<void> };
const thread = new QualityThread();

before(async () => {
  training = await startTrainingHost({
    steps: 800,
    checkpointSteps: 100,
    validationSteps: 200,
    stepSeconds: 0.002,
    // 480x96 videos (2 samples x 3 views of 80x48 tiles) keep the run to seconds.
    tile: { width: 80, height: 48 },
  });
  work = await tempDir('cwf-quality-run-');
});

after(async () => {
  thread.dispose();
  await training?.stop();
  await work?.cleanup();
});

/** Trains a run to its end; its checkpoints, finished videos and the tiles of its config snapshot. */
async function trainedRun(name: string) {
  const launched = await launchRun(training.registry, await launchRequest(training, name, { totalSteps: 800 }));
  const summary = await waitFor(
    `run ${name} to finish`,
    async () => {
      const current = await training.registry.get(launched.runId);
      return current.record.state === 'running' || current.record.state === 'starting' ? undefined : current;
    },
    120_000,
    500,
  );
  assert.equal(summary.record.state, 'finished');
  const listing = await listOutputs(training.host, await training.registry.root(), launched.outputDir, {
    settleSeconds: 0,
  });
  const snapshot = await training.host.exec(['cat', summary.record.configSnapshot]);
  return { listing, layout: qualityLayout(parseConfig(snapshot.stdout).values) };
}

/** What the extension's quality library does, without the editor: the sample cache, then the worker thread. */
function measurer(name: string) {
  const videos = new SampleCache(path.join(work.dir, name, 'samples'), 1 << 30);
  const scores = new QualityCache(path.join(work.dir, name, 'quality'));
  const counts = { downloads: 0, measures: 0 };
  const measure = (sample: SampleFile, layout: QualityLayout): Promise<SampleQuality> => {
    const source = { hostKey: training.host.key, remotePath: sample.path, size: sample.size, mtimeMs: sample.mtimeMs };
    return scores.get(source, layout, async () => {
      counts.measures++;
      const file = await videos.get(source, async (destination) => {
        counts.downloads++;
        await download(training.host, sample.path, destination);
      });
      return thread.measure(file, layout, TOOLS);
    });
  };
  return { measure, counts };
}

test('quality rises with the step, falls with the horizon; the last checkpoint is the best; a second read measures nothing', async () => {
  const { listing, layout } = await trainedRun('rising');
  assert.deepEqual(layout, { height: 48, width: 80, history: 6 });
  const first = measurer('rising');
  const results = await Promise.all(listing.samples.map((sample) => first.measure(sample, layout)));
  assert.deepEqual(first.counts, { downloads: 12, measures: 12 });
  const steps = stepQualities(results);
  assert.deepEqual(
    steps.map((step) => [step.step, step.videos, step.perHorizon.length]),
    [
      [200, 3, 5],
      [400, 3, 5],
      [600, 3, 5],
      [800, 3, 5],
    ],
  );
  for (let i = 1; i < steps.length; i++) {
    assert.ok(steps[i]!.ssim > steps[i - 1]!.ssim, `SSIM ${steps.map((s) => s.ssim.toFixed(4)).join(' ')}`);
    assert.ok(steps[i]!.psnr > steps[i - 1]!.psnr, `PSNR ${steps.map((s) => s.psnr.toFixed(2)).join(' ')}`);
  }
  for (const step of steps) {
    assert.ok(step.perHorizon[0]!.ssim > step.perHorizon[4]!.ssim, `step ${step.step} falls with the horizon`);
    // The stand-in strays most in its last video of a validation, at the last predicted frame.
    assert.equal(path.basename(step.worst.file), `train_steps_${step.step}_2.mp4`);
    assert.equal(step.worst.frame, 10);
  }
  const checkpoints = checkpointQualities(
    listing.checkpoints.map((checkpoint) => checkpoint.step),
    steps,
  );
  assert.deepEqual(
    checkpoints.filter((row) => row.best).map((row) => row.step),
    [800],
  );
  assert.equal(checkpoints.find((row) => row.step === 100)?.measured, undefined);
  assert.equal(checkpoints.find((row) => row.step === 300)?.measured?.step, 200);

  // Another reader of the same cache (the next dashboard, a window reload): nothing fetched, nothing measured.
  const again = { ...measurer('rising') };
  const cached = await Promise.all(listing.samples.map((sample) => again.measure(sample, layout)));
  assert.deepEqual(again.counts, { downloads: 0, measures: 0 });
  assert.deepEqual(cached, results);
});

test('a run whose predictions peak and get worse again: the best checkpoint is the one at the peak', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.002, qualityPeak: 400 });
  const { listing, layout } = await trainedRun('peaked');
  const { measure } = measurer('peaked');
  const steps = stepQualities(await Promise.all(listing.samples.map((sample) => measure(sample, layout))));
  const ssim = new Map(steps.map((step) => [step.step, step.ssim]));
  assert.ok(ssim.get(400)! > ssim.get(200)! && ssim.get(400)! > ssim.get(600)! && ssim.get(600)! > ssim.get(800)!);
  const best = checkpointQualities(
    listing.checkpoints.map((checkpoint) => checkpoint.step),
    steps,
  ).filter((row) => row.best);
  assert.deepEqual(
    best.map((row) => [row.step, row.measured?.step]),
    [[400, 400]],
  );
});
