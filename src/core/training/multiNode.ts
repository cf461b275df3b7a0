// accelerate over several hosts, no scheduler: one plan per machine from the multi-node target, each started over
// its host's own SSH connection by the single-host launch, recorded as one run (the main machine's), stopped and
// watched together, since a collective whose peer died waits (gloo's and NCCL's timeouts are 30 minutes or more).
import { UserFacingError, describeError } from '../errors';
import { launchRun, type LaunchRequest, type LaunchResult } from './launch';
import type { RunRegistry, StopResult } from './registry';
import { isActive, newRunId, type MachineRecord, type RunRecord, type RunState } from './runRecord';
import { accelerateArgv, type LaunchTarget } from './targets';

export const MULTI_NODE_TARGET_ID = 'accelerate-multi-node';

export interface MultiNodeOptions {
  readonly machines: number;
  /** The main machine's address as the others reach it: accelerate's --main_process_ip. */
  readonly mainAddress: string;
  readonly gpusPerMachine: number;
}

/** Machine `machineRank`'s `accelerate launch`: rank 0 holds the rendezvous at mainAddress, the others join it. */
export function multiNodeAccelerate(options: MultiNodeOptions, machineRank: number): LaunchTarget {
  assertMultiNodeOptions(options, machineRank);
  const processes = options.machines * options.gpusPerMachine;
  return {
    id: MULTI_NODE_TARGET_ID,
    description:
      `accelerate launch on ${options.machines} hosts x ${options.gpusPerMachine} GPU(s), ` +
      `machine ${machineRank}, main ${options.mainAddress}`,
    plan(spec) {
      if (spec.gpus.length !== options.gpusPerMachine)
        throw new UserFacingError(
          `Machine ${machineRank} was given ${spec.gpus.length} GPU(s), not ${options.gpusPerMachine}.`,
          'accelerate starts the same number of processes on every machine: pick as many GPUs on each host.',
          'multi-node-gpus',
        );
      const place = { machines: String(options.machines), rank: String(machineRank), mainAddress: options.mainAddress };
      return {
        argv: accelerateArgv(spec, processes, place),
        env: { CUDA_VISIBLE_DEVICES: spec.gpus.join(','), PYTHONPATH: spec.pythonPath },
      };
    },
  };
}

/**
 * Each machine's run id: the run's own on the main machine, a suffixed one on the others, so machines sharing a
 * registry (a shared home, or two ranks on one host) keep separate run folders.
 */
export function machineRunId(runId: string, machineRank: number): string {
  return machineRank === 0 ? runId : `${runId}-m${machineRank}`;
}

/** A machine of the run: the host's key (its SSH alias) and its registry, reached over that host's connection. */
export interface Machine {
  readonly host: string;
  readonly registry: Pick<RunRegistry, 'root' | 'host' | 'get' | 'stop'>;
}

export interface MultiNodeLaunch {
  /** The run's id: the main machine's. */
  readonly runId: string;
  readonly machines: ReadonlyArray<MachineRecord & { readonly launched: LaunchResult }>;
}

/**
 * Starts the run on every machine, main first (it holds the rendezvous the others wait for), each with the same
 * request but its own target and run id. A machine that does not start stops those already started.
 */
export async function launchMultiNode(
  machines: readonly Machine[],
  mainAddress: string,
  request: Omit<LaunchRequest, 'target' | 'runId' | 'multiNode'>,
  signal?: AbortSignal,
): Promise<MultiNodeLaunch> {
  if (machines.length < 2)
    throw new UserFacingError('A multi-node run needs at least two hosts.', undefined, 'multi-node-hosts');
  const runId = newRunId();
  const options = { machines: machines.length, mainAddress, gpusPerMachine: request.gpus.length };
  const records = machines.map((machine, rank) => ({ host: machine.host, runId: machineRunId(runId, rank) }));
  const started: Array<MachineRecord & { launched: LaunchResult }> = [];
  for (const [rank, machine] of machines.entries()) {
    try {
      const launched = await launchRun(
        machine.registry,
        {
          ...request,
          target: multiNodeAccelerate(options, rank),
          runId: records[rank].runId,
          multiNode: { rank, mainAddress, machines: records },
        },
        signal,
      );
      started.push({ ...records[rank], launched });
    } catch (error) {
      const why = `Machine ${rank} (${machine.host}) did not start: ${describeError(error)}`;
      await Promise.allSettled(
        started.map((run, startedRank) => machines[startedRank].registry.stop(run.runId, 10, undefined, why)),
      );
      throw error;
    }
  }
  return { runId, machines: started };
}

/** The machines of a multi-node run from any of its records, each paired with its host's registry. */
export function machinesOf(
  record: Pick<RunRecord, 'multiNode'>,
  registryFor: (host: string) => Machine['registry'],
): MachineRun[] {
  return (record.multiNode?.machines ?? []).map((machine, rank) => ({
    ...machine,
    rank,
    registry: registryFor(machine.host),
  }));
}

export interface MachineRun extends Machine {
  readonly runId: string;
  readonly rank: number;
}

/** Stops every machine's part at once; with `failure` each part ends failed with that reason. */
export async function stopMultiNode(
  machines: readonly MachineRun[],
  graceSeconds: number,
  signal?: AbortSignal,
  failure?: string,
): Promise<StopResult[]> {
  return Promise.all(machines.map((machine) => machine.registry.stop(machine.runId, graceSeconds, signal, failure)));
}

export interface MultiNodeEnd {
  /** Each machine's last state, by rank. */
  readonly states: readonly RunState[];
  /** The machine whose end ended the others, when one failed or was stopped on its own. */
  readonly endedBy?: { readonly rank: number; readonly host: string; readonly state: RunState };
  /** Why the run failed, as recorded on the machines stopped for it. */
  readonly failure?: string;
}

export interface WatchOptions {
  readonly intervalMs?: number;
  readonly graceSeconds?: number;
  readonly signal?: AbortSignal;
}

/**
 * Watches the machines until every part has ended. When one part fails, the others are stopped and marked failed
 * (their collectives would otherwise wait on the dead peer); when one is stopped, or the main one finishes, the
 * others are stopped. A round where a host does not answer is skipped: the connection may come back.
 */
export async function watchMultiNode(
  machines: readonly MachineRun[],
  options: WatchOptions = {},
): Promise<MultiNodeEnd> {
  const interval = options.intervalMs ?? 5000;
  let endedBy: MultiNodeEnd['endedBy'];
  let failure: string | undefined;
  while (true) {
    const answers = await Promise.allSettled(
      machines.map((machine) => machine.registry.get(machine.runId, options.signal)),
    );
    options.signal?.throwIfAborted();
    const records = answers.map((answer) => (answer.status === 'fulfilled' ? answer.value.record : undefined));
    if (records.every((record) => record && !isActive(record.state)))
      return { states: records.map((record) => record!.state), endedBy, failure };
    const active = machines.filter((_machine, rank) => records[rank] && isActive(records[rank].state));
    if (!endedBy) {
      const rank = ending(records);
      if (rank !== undefined) {
        const record = records[rank]!;
        endedBy = { rank, host: machines[rank].host, state: record.state };
        if (record.state === 'failed') {
          const why = record.failure ?? (record.exitCode != null ? `exit status ${record.exitCode}` : 'it ended');
          failure = `Machine ${rank} (${machines[rank].host}) failed: ${why}`;
        }
        await Promise.allSettled(
          active.map((machine) =>
            machine.registry.stop(machine.runId, options.graceSeconds ?? 30, options.signal, failure),
          ),
        );
        continue;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The rank whose end ends the run: a failed or stopped part, or the main machine having finished. */
function ending(records: ReadonlyArray<RunRecord | undefined>): number | undefined {
  const failed = records.findIndex((record) => record?.state === 'failed');
  if (failed >= 0) return failed;
  const stopped = records.findIndex((record) => record?.state === 'stopped');
  if (stopped >= 0) return stopped;
  return records[0]?.state === 'finished' ? 0 : undefined;
}

function assertMultiNodeOptions(options: MultiNodeOptions, machineRank: number): void {
  const problems = [
    Number.isInteger(options.machines) && options.machines >= 2 ? '' : `${options.machines} machines`,
    Number.isInteger(options.gpusPerMachine) && options.gpusPerMachine >= 1
      ? ''
      : `${options.gpusPerMachine} GPUs per machine`,
    Number.isInteger(machineRank) && machineRank >= 0 && machineRank < options.machines
      ? ''
      : `machine rank ${machineRank}`,
    /^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(options.mainAddress) ? '' : `the main address "${options.mainAddress}"`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new UserFacingError(
      `A multi-node run cannot use ${problems.join(', ')}.`,
      'Pick at least two hosts; the main address is a host name or IP address the other hosts reach.',
      'bad-multi-node-options',
    );
}
