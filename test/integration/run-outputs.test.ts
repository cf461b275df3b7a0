// The dashboard's data while the stand-in trainer runs on the real sshd host: log ingest fills the chart series,
// the output folder's checkpoints and samples appear, and a checkpoint still being written is never offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchRun } from '../../src/core/training/launch';
import { RunFollower } from '../../src/core/training/follow';
import { RunMetrics } from '../../src/core/training/metrics';
import { finishedCheckpoint, listOutputs, newestSample, type OutputListing } from '../../src/core/training/outputs';
import { download } from '../../src/core/remote/transfer';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { LOCAL_HOST } from '../../src/core/remote/runner';
import { UserFacingError } from '../../src/core/errors';
import { launchRequest, startTrainingHost, waitFor, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;

before(async () => {
  training = await startTrainingHost({ steps: 600, checkpointSteps: 300, validationSteps: 300, stepSeconds: 0.02 });
  // Each checkpoint grows in its final name for 3 s, as torch.save writes a large one.
  await training.tree.setTrainer({ stepSeconds: 0.02, checkpointBytes: 2 << 20, checkpointSeconds: 3 });
});

after(async () => {
  await training?.stop();
});

test('while the trainer runs: the loss series fills, checkpoints being written are not offered, samples land', async () => {
  const launched = await launchRun(training.registry, await launchRequest(training, 'dashboard'));
  const metrics = new RunMetrics();
  const lossLengths: number[] = [];
  const follower = new RunFollower(training.registry, launched.runId, { pollMs: 200, statusEveryMs: 1000 });
  follower.attach({
    onLog: (_text, events) => {
      metrics.ingest(events);
      for (const update of metrics.takeUpdates())
        if (update.metric === 'loss') lossLengths.push(update.start + update.steps.length);
    },
  });
  const finished = follower.run();
  const root = await training.registry.root();

  // A checkpoint caught while it grows is "writing", refused for download, and done once the save ends.
  const writing = await waitFor(
    'a checkpoint being written',
    async () => {
      const listing = await listOutputs(training.host, root, launched.outputDir, { secondLookSeconds: 0.3 });
      return listing.checkpoints.find((c) => c.writing) ? listing : undefined;
    },
    60_000,
    100,
  );
  const inProgress = writing.checkpoints.find((c) => c.writing)!;
  assert.throws(
    () => finishedCheckpoint(writing, inProgress.step),
    (e: unknown) => e instanceof UserFacingError && e.code === 'checkpoint-writing',
  );
  const done: OutputListing = await waitFor(
    'the save to finish',
    async () => {
      const listing = await listOutputs(training.host, root, launched.outputDir, {
        settleSeconds: 1,
        secondLookSeconds: 0.3,
      });
      const checkpoint = listing.checkpoints.find((c) => c.step === inProgress.step);
      return checkpoint && !checkpoint.writing ? listing : undefined;
    },
    60_000,
    500,
  );
  const local = path.join(await mkdtemp(path.join(os.tmpdir(), 'cwf-ckpt-')), `checkpoint-${inProgress.step}.pt`);
  await download(training.host, finishedCheckpoint(done, inProgress.step).path, local);
  assert.deepEqual(
    await readFile(local),
    await readFile(path.join(launched.outputDir, `checkpoint-${inProgress.step}.pt`)),
  );

  const summary = await finished;
  assert.equal(summary.record.state, 'finished');
  // The series grew in several steps while the run trained, and ended with one point per 100 steps.
  assert.ok(new Set(lossLengths).size >= 3, `loss series updates: ${lossLengths.join(',')}`);
  assert.deepEqual(metrics.snapshot().loss.steps, [100, 200, 300, 400, 500, 600]);
  assert.ok(metrics.snapshot().loss.values.every((v) => v > 0.04 && v < 0.4));

  const final = await listOutputs(training.host, root, launched.outputDir, { settleSeconds: 0 });
  assert.deepEqual(
    final.checkpoints.map((c) => [c.step, c.writing ?? 'done', c.size > 2_000_000]),
    [
      [300, 'done', true],
      [600, 'done', true],
    ],
  );
  assert.deepEqual(
    final.samples.map((s) => `${s.step}_${s.index}`),
    ['600_0', '600_1', '600_2', '300_0', '300_1', '300_2'],
  );
  assert.equal(newestSample(final.samples)?.name, 'train_steps_600_0.mp4');
  assert.equal(final.owner?.runId, launched.runId);
  assert.equal(final.owner?.logFile, summary.record.logFile);
  assert.ok(final.disk.freeBytes > 0 && final.disk.totalBytes >= final.disk.freeBytes);
});

test('a folder that does not exist lists as empty with the disk of its nearest parent', async () => {
  const listing = await listOutputs(
    training.host,
    await training.registry.root(),
    path.join(training.tree.root, 'no', 'such', 'folder'),
  );
  assert.deepEqual([listing.exists, listing.checkpoints.length, listing.samples.length], [false, 0, 0]);
  assert.ok(listing.disk.totalBytes > 0);
});

test('an output folder on this machine lists the same way, without ssh', async () => {
  const dir = path.join(training.tree.root, 'local_ckpt');
  await mkdir(path.join(dir, 'samples'), { recursive: true });
  await writeFile(path.join(dir, 'checkpoint-100.pt'), 'weights');
  await writeFile(path.join(dir, 'samples', 'train_steps_100_0.mp4'), 'video');
  const local = new RemoteHost(training.runner, LOCAL_HOST);
  const listing = await listOutputs(local, path.join(training.tree.root, 'local-registry'), dir, {
    settleSeconds: 0,
    secondLookSeconds: 0,
  });
  assert.deepEqual(
    listing.checkpoints.map((c) => [c.name, c.size, c.writing ?? 'done']),
    [['checkpoint-100.pt', 7, 'done']],
  );
  assert.equal(newestSample(listing.samples)?.path, path.join(dir, 'samples', 'train_steps_100_0.mp4'));
});
