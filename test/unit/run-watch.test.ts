// Run news from successive run lists: each end told once, none for runs already over, stalls by the run's own pace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunWatch } from '../../src/core/training/runWatch';
import type { RunState, RunSummary } from '../../src/core/training/runRecord';

const MINUTE = 60_000;

function run(runId: string, state: RunState, step: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    record: { runId, name: `run_${runId}`, state } as RunSummary['record'],
    progress: { step, total: 1000 },
    logSize: 0,
    ...extra,
  };
}

test('an end is told once, for runs seen running; runs over before the watch began are not news', () => {
  const watch = new RunWatch({ factor: 0, minimumMs: 0 }, Date.parse('2026-12-05T10:00:00Z'));
  const old = run('old', 'failed', 5);
  const ended = (at: string) => ({ ...old.record, endedAt: at });
  assert.deepEqual(
    watch.observe('h', 'gpu-1', [run('a', 'running', 10), { ...old, record: ended('2026-12-05T09:59:00Z') }], 0),
    [],
  );
  // Started and failed between two looks: news though never seen running.
  const quick = {
    ...run('quick', 'failed', 2),
    record: { ...run('quick', 'failed', 2).record, endedAt: '2026-12-05T10:00:30Z' },
  };
  assert.deepEqual(
    watch.observe('h', 'gpu-1', [quick], 0).map((event) => event.message),
    ['run_quick on gpu-1 failed at step 2.'],
  );
  const events = watch.observe('h', 'gpu-1', [run('a', 'finished', 1000), run('old', 'failed', 5)], MINUTE);
  assert.deepEqual(events, [
    { kind: 'finished', host: 'h', runId: 'a', message: 'run_a on gpu-1 finished at step 1000.' },
  ]);
  assert.deepEqual(watch.observe('h', 'gpu-1', [run('a', 'finished', 1000)], 2 * MINUTE), []);
});

test('a failure names the log error; a stop is told as stopped; hosts are kept apart', () => {
  const watch = new RunWatch({ factor: 0, minimumMs: 0 }, 0);
  watch.observe('h1', 'one', [run('a', 'running', 3)], 0);
  watch.observe('h2', 'two', [run('a', 'starting', 0)], 0);
  const lastError = { kind: 'oom', title: 'CUDA ran out of memory.', detail: '', nextStep: '' } as never;
  assert.deepEqual(
    watch.observe('h1', 'one', [run('a', 'failed', 7, { lastError })], 1).map((event) => event.message),
    ['run_a on one failed at step 7: CUDA ran out of memory.'],
  );
  assert.deepEqual(
    watch.observe('h2', 'two', [run('a', 'stopped', 0)], 1).map((event) => [event.kind, event.message]),
    [['stopped', 'run_a on two stopped.']],
  );
});

test("a stall is told after factor x the run's step time without a step, once, and again after it moves", () => {
  const watch = new RunWatch({ factor: 10, minimumMs: 5 * MINUTE }, 0);
  // A step a minute, seen over three looks.
  for (let minute = 0; minute <= 3; minute++)
    watch.observe('h', 'gpu', [run('a', 'running', 100 + minute)], minute * MINUTE);
  assert.deepEqual(watch.observe('h', 'gpu', [run('a', 'running', 103)], 12 * MINUTE), [], '9 min: not yet');
  const stalled = watch.observe('h', 'gpu', [run('a', 'running', 103)], 14 * MINUTE);
  assert.deepEqual(
    stalled.map((event) => [event.kind, event.message]),
    [['stalled', 'run_a on gpu has made no progress for 11 min (still at step 103).']],
  );
  assert.deepEqual(watch.observe('h', 'gpu', [run('a', 'running', 103)], 30 * MINUTE), [], 'told once');
  watch.observe('h', 'gpu', [run('a', 'running', 104)], 31 * MINUTE);
  assert.equal(watch.observe('h', 'gpu', [run('a', 'running', 104)], 45 * MINUTE)[0]?.kind, 'stalled');
});

test("tqdm's rate sets the pace when the log has one; the minimum holds for fast runs; factor 0 is off", () => {
  const fast = new RunWatch({ factor: 10, minimumMs: 10 * MINUTE }, 0);
  const quick = (step: number) => run('a', 'running', step, { progress: { step, total: 10, rate: 2 } });
  fast.observe('h', 'gpu', [quick(5)], 0);
  assert.deepEqual(fast.observe('h', 'gpu', [quick(5)], 9 * MINUTE), [], 'under the 10-minute minimum');
  assert.equal(fast.observe('h', 'gpu', [quick(5)], 11 * MINUTE).length, 1);
  const off = new RunWatch({ factor: 0, minimumMs: 0 }, 0);
  off.observe('h', 'gpu', [quick(5)], 0);
  assert.deepEqual(off.observe('h', 'gpu', [quick(5)], 1000 * MINUTE), []);
});
