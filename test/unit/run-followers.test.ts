// One follower per run log: the status bar and dashboards that show the same run share one reading loop, each gets
// the log from its own offset, and the last to leave stops the reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError } from '../../src/core/errors';
import { RunFollowers } from '../../src/core/training/followers';
import type { LogChunk, RunRegistry } from '../../src/core/training/registry';
import type { RunRecord, RunState, RunSummary } from '../../src/core/training/runRecord';

/**
 * A host's registry over one in-memory log, counting log reads and keeping the abort signal each call came with:
 * every follower has its own, so the distinct signals are the followers that read this log.
 */
class FakeRegistry {
  log = Buffer.alloc(0);
  state: RunState = 'running';
  logReads = 0;
  readonly signals: AbortSignal[] = [];

  get followers(): number {
    return new Set(this.signals).size;
  }

  append(text: string): void {
    this.log = Buffer.concat([this.log, Buffer.from(text)]);
  }

  async get(runId: string, signal?: AbortSignal): Promise<RunSummary> {
    if (signal) this.signals.push(signal);
    const record = { runId, state: this.state, logFile: '/runs/r/train.log' } as RunRecord;
    return { record, logSize: this.log.length };
  }

  async readLog(_record: unknown, offset: number, maxBytes: number, signal?: AbortSignal): Promise<LogChunk> {
    this.logReads++;
    if (signal) this.signals.push(signal);
    const bytes = this.log.subarray(offset, offset + maxBytes);
    return { bytes, nextOffset: offset + bytes.length };
  }
}

function followersOver(...registries: FakeRegistry[]): RunFollowers {
  const byHost = (host: string) => registries[Number(host.slice('gpu'.length)) - 1]!;
  return new RunFollowers(async (host) => byHost(host) as unknown as RunRegistry, { statusEveryMs: 20 });
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) assert.fail(`timed out waiting for ${what}`);
    await delay(5);
  }
}

test('the status bar and a dashboard of one run share one follower, each reading from its own offset', async () => {
  const registry = new FakeRegistry();
  const otherHost = new FakeRegistry();
  registry.append('Steps: 1\nSteps: 2\n');
  const followers = followersOver(registry, otherHost);
  let statusBarText = '';
  let dashboardText = '';
  const statusBar = await followers.subscribe(
    'gpu1',
    'r1',
    { onLog: (text) => (statusBarText += text) },
    { pollMs: 5 },
  );
  // The dashboard saved the series up to the end of the first line and reads on from there.
  const dashboard = await followers.subscribe(
    'gpu1',
    'r1',
    { onLog: (text) => (dashboardText += text) },
    { fromOffset: 9, pollMs: 5 },
  );
  registry.append('Steps: 3\n');
  await until('both to read the third line', () => statusBarText.endsWith('3\n') && dashboardText.endsWith('3\n'));
  assert.equal(registry.followers, 1, 'one follower reads the log, not one per view');
  assert.equal(statusBarText, 'Steps: 1\nSteps: 2\nSteps: 3\n');
  assert.equal(dashboardText, 'Steps: 2\nSteps: 3\n');

  // Another host's run of the same id is another log.
  const other = await followers.subscribe('gpu2', 'r1', {}, { pollMs: 5 });
  await until('the other host to be read', () => otherHost.followers === 1);

  registry.state = 'finished';
  registry.append('done\n');
  const [statusBarEnd, dashboardEnd] = await Promise.all([statusBar.done, dashboard.done]);
  assert.equal(statusBarEnd.record.state, 'finished');
  assert.equal(dashboardEnd.record.state, 'finished');
  assert.equal(statusBar.bytesRead, registry.log.length);
  assert.equal(dashboard.bytesRead, registry.log.length);
  assert.equal(statusBarText, 'Steps: 1\nSteps: 2\nSteps: 3\ndone\n');
  assert.equal(dashboardText, 'Steps: 2\nSteps: 3\ndone\n');
  other.close();
  await assert.rejects(other.done, CancelledError);
});

test('a reader joining late from further back catches up through the same follower', async () => {
  const registry = new FakeRegistry();
  registry.append('a\nb\n');
  const followers = followersOver(registry);
  let first = '';
  let late = '';
  const early = await followers.subscribe('gpu1', 'r1', { onLog: (text) => (first += text) }, { pollMs: 5 });
  await until('the first reader to read the log', () => first === 'a\nb\n');
  const joined = await followers.subscribe('gpu1', 'r1', { onLog: (text) => (late += text) }, { pollMs: 5 });
  registry.append('c\n');
  await until('the late reader to have the whole log', () => late === 'a\nb\nc\n');
  assert.equal(first, 'a\nb\nc\n', 'the first reader got nothing twice');
  assert.equal(registry.followers, 1);
  early.close();
  joined.close();
});

test('the follower reads while anyone is subscribed and stops when the last one leaves', async () => {
  const registry = new FakeRegistry();
  registry.append('x\n');
  const followers = followersOver(registry);
  const statusBar = await followers.subscribe('gpu1', 'r1', {}, { pollMs: 5 });
  const dashboard = await followers.subscribe('gpu1', 'r1', {}, { pollMs: 5 });
  await until('a few reads', () => registry.logReads > 3);

  dashboard.close();
  await assert.rejects(dashboard.done, CancelledError);
  const readsWhileShown = registry.logReads;
  await until('reading to go on for the status bar', () => registry.logReads > readsWhileShown + 3);
  assert.ok(
    registry.signals.every((signal) => !signal.aborted),
    'one subscriber leaving stops nothing',
  );

  statusBar.close();
  await assert.rejects(statusBar.done, CancelledError);
  assert.ok(
    registry.signals.every((signal) => signal.aborted),
    'the last one leaving stops the follower',
  );
  const readsAtStop = registry.logReads;
  await delay(50);
  assert.equal(registry.logReads, readsAtStop, 'nothing reads a log nobody shows');

  // Shown again: a new follower starts.
  const again = await followers.subscribe('gpu1', 'r1', {}, { pollMs: 5 });
  await until('a new follower', () => registry.followers === 2);
  again.close();
});

test('a run that has ended is read to its end once per subscriber, and subscribing again reads it again', async () => {
  const registry = new FakeRegistry();
  registry.state = 'failed';
  registry.append('Traceback (most recent call last):\n  x\nRuntimeError: CUDA out of memory.\n');
  const followers = followersOver(registry);
  const first = await followers.subscribe('gpu1', 'r1', {});
  assert.equal((await first.done).record.state, 'failed');
  assert.equal(first.parser.errors[0]?.kind, 'oom');
  const second = await followers.subscribe('gpu1', 'r1', {});
  await second.done;
  assert.equal(second.parser.errors[0]?.kind, 'oom');
  assert.equal(second.bytesRead, registry.log.length);
});
