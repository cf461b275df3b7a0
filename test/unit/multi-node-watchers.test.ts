import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiNodeWatchers } from '../../src/training/multiNodeWatchers';
import type { MachineRun } from '../../src/core/training/multiNode';
import type { RunRecord, RunState, RunSummary } from '../../src/core/training/runRecord';
import type { HostRuns } from '../../src/training/runsModel';

const MACHINES = [
  { host: 'gpu-a', runId: 'r1' },
  { host: 'gpu-b', runId: 'r1-m1' },
];

function record(runId: string, rank: number, state: RunState): RunRecord {
  return { runId, state, multiNode: { rank, mainAddress: '10.0.0.5', machines: MACHINES } } as unknown as RunRecord;
}

/** A host's registry holding one machine's run, recording what was stopped and why. */
interface FakeMachine {
  state: RunState;
  readonly stops: Array<string | undefined>;
  asked: number;
  readonly run: MachineRun;
}

function fakeMachine(host: string, runId: string, rank: number): FakeMachine {
  const machine: FakeMachine = {
    state: 'running' as RunState,
    stops: [] as Array<string | undefined>,
    asked: 0,
    run: {
      host,
      runId,
      rank,
      registry: {
        root: async () => '/runs',
        host: undefined as never,
        get: async (): Promise<RunSummary> => {
          machine.asked += 1;
          return { record: record(runId, rank, machine.state), logSize: 0 };
        },
        stop: async (_id: string, _grace: number, _signal?: AbortSignal, failure?: string) => {
          machine.stops.push(failure);
          machine.state = failure ? 'failed' : 'stopped';
          return { runId, state: machine.state, signal: 'TERM' as const, remaining: [] };
        },
      },
    },
  };
  return machine;
}

function fakeModel(runs: () => HostRuns[]) {
  const listeners: Array<() => void> = [];
  const refreshed: Array<string | undefined> = [];
  return {
    refreshed,
    fire: () => listeners.forEach((listener) => listener()),
    model: {
      list: runs,
      refresh: async (key?: string) => void refreshed.push(key),
      onDidChange: (listener: () => void) => {
        listeners.push(listener);
        return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
      },
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check());
};

test("a listed multi-node run is watched once, as after a window reload: machine 1's failure stops machine 0", async () => {
  const main = fakeMachine('gpu-a', 'r1', 0);
  const other = fakeMachine('gpu-b', 'r1-m1', 1);
  const listed = (state: RunState): HostRuns[] => [
    {
      key: 'gpu-a',
      label: 'gpu-a',
      loaded: true,
      failures: 0,
      runs: [{ record: record('r1', 0, state), logSize: 0 }],
    },
  ];
  let mainListed: RunState = 'running';
  const { model, fire, refreshed } = fakeModel(() => listed(mainListed));
  const lookups: string[][] = [];
  const hosts = {
    machineRuns: async (run: Pick<RunRecord, 'multiNode'>) => {
      lookups.push(run.multiNode!.machines.map((machine) => machine.host));
      return [main.run, other.run];
    },
  };
  const logged: string[] = [];
  const log = { info: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };
  const watchers = new MultiNodeWatchers(model, hosts, { stopGraceSeconds: 5 }, log, 5);
  try {
    fire();
    fire();
    await until(() => main.asked >= 2);
    assert.deepEqual(lookups, [['gpu-a', 'gpu-b']], 'the runs list showing the run twice starts one watcher');
    other.state = 'failed';
    await until(() => main.stops.length === 1);
    assert.match(main.stops[0]!, /^Machine 1 \(gpu-b\) failed/);
    assert.deepEqual(other.stops, [], 'the failed machine itself is not stopped again');
    await until(() => refreshed.includes('gpu-a'));
    assert.ok(logged.some((line) => /Multi-node run r1 on gpu-a: Machine 1 \(gpu-b\) failed/.test(line)));
    // Ended runs, and machines other than the main, start no watcher.
    mainListed = 'failed';
    fire();
    assert.equal(lookups.length, 1);
  } finally {
    watchers.dispose();
  }
});

test('disposing the watchers ends their polling without logging it as a failure', async () => {
  const main = fakeMachine('gpu-a', 'r1', 0);
  const other = fakeMachine('gpu-b', 'r1-m1', 1);
  const { model, fire } = fakeModel(() => [
    {
      key: 'gpu-a',
      label: 'gpu-a',
      loaded: true,
      failures: 0,
      runs: [{ record: record('r1', 0, 'running'), logSize: 0 }],
    },
  ]);
  const logged: string[] = [];
  const log = { info: () => undefined, error: (line: string) => logged.push(line) };
  const watchers = new MultiNodeWatchers(
    model,
    { machineRuns: async () => [main.run, other.run] },
    { stopGraceSeconds: 5 },
    log,
    5,
  );
  fire();
  await until(() => main.asked >= 1);
  watchers.dispose();
  const asked = main.asked;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(main.asked <= asked + 1, 'no more rounds after dispose');
  assert.deepEqual(logged, []);
  assert.deepEqual([main.stops, other.stops], [[], []]);
});
