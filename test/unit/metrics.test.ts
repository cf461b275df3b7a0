import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LogParser } from '../../src/core/training/logParser';
import { RunMetrics, trainLoss, type SeriesData, type SeriesUpdate } from '../../src/core/training/metrics';
import { ctrlWorldLog } from '../support/ctrlWorldLog';
import { REPO_ROOT } from '../support/fixtures';

function ingest(text: string, chunkSize: number): { metrics: RunMetrics; updates: SeriesUpdate[] } {
  const parser = new LogParser();
  const metrics = new RunMetrics();
  const updates: SeriesUpdate[] = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    metrics.ingest(parser.push(text.slice(i, i + chunkSize)));
    updates.push(...metrics.takeUpdates());
  }
  metrics.ingest(parser.end());
  updates.push(...metrics.takeUpdates());
  return { metrics, updates };
}

/** What a webview holds after applying the updates in order. */
function apply(updates: readonly SeriesUpdate[], metric: string): SeriesData {
  const data = { steps: [] as number[], values: [] as number[] };
  for (const update of updates.filter((u) => u.metric === metric)) {
    data.steps.length = update.start;
    data.values.length = update.start;
    data.steps.push(...update.steps);
    data.values.push(...update.values);
  }
  return data;
}

test('train_loss is the postfix sum / 100 at each window-closing step, whatever the chunking', () => {
  const log = ctrlWorldLog(1000, { checkpointEvery: 500 });
  for (const chunk of [13, 4096, log.text.length]) {
    const { metrics, updates } = ingest(log.text, chunk);
    const loss = metrics.snapshot().loss;
    assert.deepEqual(
      loss.steps,
      log.trainLoss.map((p) => p.step),
    );
    loss.values.forEach((value, i) => assert.ok(Math.abs(value - log.trainLoss[i].value) < 1e-12, `point ${i}`));
    // Incremental updates rebuild exactly the same series on the other side.
    assert.deepEqual(apply(updates, 'loss'), { steps: loss.steps, values: loss.values });
    assert.equal(metrics.snapshot().rate.steps.length, 1000);
    assert.equal(metrics.latest?.step, 1000);
  }
});

test("a bar redrawn with the previous window's postfix is corrected by the line that follows", () => {
  const log = ctrlWorldLog(300);
  const { updates } = ingest(log.text, log.text.length);
  const [first] = updates.filter((u) => u.metric === 'loss');
  assert.deepEqual(first.steps, [100, 200, 300]);
  assert.ok(Math.abs(first.values[1] - log.trainLoss[1].value) < 1e-12);
});

test('the real accelerate + tqdm bytes give the loss point at step 100 and s/it or it/s rates', () => {
  const real = readFileSync(
    path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference', 'accelerate-tqdm-log.txt'),
    'utf8',
  );
  const { metrics } = ingest(real, 50);
  assert.deepEqual(metrics.snapshot().loss.steps.slice(0, 1), [100]);
  assert.equal(metrics.snapshot().loss.values[0], 10 / 100);
  assert.ok(metrics.snapshot().rate.values.every((rate) => rate > 40 && rate < 60));
});

test('a learning rate in the postfix becomes its own series; reading the same lines again changes nothing', () => {
  const log = ctrlWorldLog(400, { learningRate: 5e-6 });
  const parser = new LogParser();
  const metrics = new RunMetrics();
  const events = parser.push(log.text);
  metrics.ingest(events);
  const before = metrics.takeUpdates();
  assert.ok(before.find((u) => u.metric === 'lr')?.values.every((v) => v === 5e-6));
  const once = JSON.stringify(metrics.snapshot());
  metrics.ingest(events);
  assert.equal(JSON.stringify(metrics.snapshot()), once);
});

test('a restored snapshot goes on from where it was', () => {
  const log = ctrlWorldLog(500);
  const half = log.text.lastIndexOf('\r', Math.floor(log.text.length / 2));
  const first = ingest(log.text.slice(0, half), 1 << 20).metrics;
  const restored = new RunMetrics();
  restored.restore(JSON.parse(JSON.stringify(first.snapshot())), first.latest);
  const parser = new LogParser();
  restored.ingest(parser.push(log.text.slice(half)));
  restored.ingest(parser.end());
  assert.deepEqual(restored.snapshot().loss.steps, [100, 200, 300, 400, 500]);
});

test('one loss everywhere: train_loss is the postfix sum / 100, as upstream logs it to W&B', () => {
  assert.equal(trainLoss({ loss: 6.51 }), 0.0651);
  assert.equal(trainLoss({ loss: undefined }), undefined);
  assert.equal(trainLoss(undefined), undefined);
});
