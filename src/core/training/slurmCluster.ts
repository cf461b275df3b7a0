// What a login node's sinfo and sacctmgr say about its cluster: the partitions, accounts and QoS offered when a job
// is set up, and the SLURM part of the preflight (the partition exists, its nodes have the GPUs the job asks for,
// its time limit allows the job's).
import type { RemoteHost } from '../remote/remoteHost';
import type { PreflightCheck } from './preflightChecks';
import type { SlurmJobOptions } from './slurmTarget';
import { userAssociations } from '../remote/scripts';

export const SLURM_PREFLIGHT_CHECKS = [
  ['slurm-partition', 'SLURM partition exists'],
  ['slurm-resources', 'Partition has the nodes and GPUs the job asks for'],
  ['slurm-time', "Job's time limit within the partition's"],
  ['slurm-duration', "Job's time limit against the run's estimated duration"],
  ['slurm-shared-fs', 'A compute node sees the checkout and the run folders'],
] as const;

export type SlurmCheckId = (typeof SLURM_PREFLIGHT_CHECKS)[number][0];

/** One line of `sinfo -o '%R|%a|%D|%G|%l'`: nodes of a partition sharing a configuration. */
interface PartitionNodes {
  readonly partition: string;
  readonly available: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** The partition's MaxTime as sinfo writes it ("infinite", "2-00:00:00"). */
  readonly maxTime: string;
  /** The same in minutes; undefined for "infinite". */
  readonly maxMinutes?: number;
}

/** A partition as the job questions offer it: its nodes together, with the most GPUs any of them has. */
export interface PartitionSummary {
  readonly name: string;
  readonly available: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly maxTime: string;
}

/**
 * Whether the host can submit SLURM jobs, so the launch can offer a SLURM cluster: `sbatch --version` fails where
 * sbatch is missing, and also where it is installed without a cluster's configuration (a workstation).
 */
export async function hasSbatch(host: RemoteHost, signal?: AbortSignal): Promise<boolean> {
  const result = await host.exec(['sbatch', '--version'], { signal, timeoutMs: 60_000 });
  return result.code === 0;
}

/** The cluster's partitions from `sinfo`, in its order; empty when sinfo fails. */
export async function listPartitions(host: RemoteHost, signal?: AbortSignal): Promise<PartitionSummary[]> {
  const result = await host.exec(['sinfo', '-h', '-o', '%R|%a|%D|%G|%l'], { signal, timeoutMs: 60_000 });
  const byName = new Map<string, PartitionSummary>();
  for (const line of result.code === 0 ? parseSinfo(result.stdout) : []) {
    const known = byName.get(line.partition);
    byName.set(line.partition, {
      name: line.partition,
      available: line.available,
      nodes: (known?.nodes ?? 0) + line.nodes,
      gpusPerNode: Math.max(known?.gpusPerNode ?? 0, line.gpusPerNode),
      maxTime: line.maxTime,
    });
  }
  return [...byName.values()];
}

/** The accounts and QoS the user's associations allow, each in sacctmgr's order without repeats. */
export interface SlurmAssociations {
  readonly accounts: readonly string[];
  readonly qos: readonly string[];
}

/**
 * The user's associations from `sacctmgr`; empty where it cannot answer: a cluster without accounting storage
 * (slurmdbd), or one that hides associations from users.
 */
export async function listAssociations(host: RemoteHost, signal?: AbortSignal): Promise<SlurmAssociations> {
  const result = await host.exec(userAssociations(), { signal, timeoutMs: 30_000 });
  return result.code === 0 ? parseAssociations(result.stdout) : { accounts: [], qos: [] };
}

/** `sacctmgr -nP … format=account,qos` lines: "robots|normal,high"; a user-level line may have no account. */
export function parseAssociations(stdout: string): SlurmAssociations {
  const accounts = new Set<string>();
  const qos = new Set<string>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length !== 2) continue;
    if (fields[0]) accounts.add(fields[0]);
    for (const name of fields[1].split(',')) if (name.trim()) qos.add(name.trim());
  }
  return { accounts: [...accounts], qos: [...qos] };
}

export async function slurmPreflight(
  host: RemoteHost,
  options: SlurmJobOptions,
  signal?: AbortSignal,
): Promise<PreflightCheck[]> {
  const format = ['-h', '-o', '%R|%a|%D|%G|%l'];
  const result = await host.exec(['sinfo', '-p', options.partition, ...format], { signal, timeoutMs: 60_000 });
  if (result.code !== 0) {
    const notInstalled = result.code === 127 || /not found/.test(result.stderr);
    return [
      slurmCheck(
        'slurm-partition',
        false,
        notInstalled
          ? `sinfo was not found on ${host.label}: it is not a SLURM login node, or SLURM is not on its PATH.`
          : `sinfo failed on ${host.label}: ${result.stderr.trim()}`,
      ),
    ];
  }
  const lines = parseSinfo(result.stdout);
  if (lines.length === 0) {
    const all = await host.exec(['sinfo', ...format], { signal, timeoutMs: 60_000 });
    const known = [...new Set(parseSinfo(all.stdout).map((line) => line.partition))];
    return [
      slurmCheck(
        'slurm-partition',
        false,
        `There is no partition "${options.partition}" on ${host.label}` +
          (known.length > 0 ? `; its partitions are ${known.join(', ')}.` : '.'),
      ),
    ];
  }
  return [
    slurmCheck('slurm-partition', true, `${options.partition} is ${lines[0].available}.`),
    resourcesCheck(options, lines),
    timeCheck(options, lines),
  ];
}

function resourcesCheck(options: SlurmJobOptions, lines: readonly PartitionNodes[]): PreflightCheck {
  const fitting = lines.filter((line) => line.gpusPerNode >= options.gpusPerNode);
  const nodes = fitting.reduce((sum, line) => sum + line.nodes, 0);
  const most = Math.max(...lines.map((line) => line.gpusPerNode));
  if (nodes >= options.nodes)
    return slurmCheck(
      'slurm-resources',
      true,
      `${nodes} node(s) with ${options.gpusPerNode} or more GPUs; the job asks for ${options.nodes}.`,
    );
  return slurmCheck(
    'slurm-resources',
    false,
    fitting.length === 0
      ? `No node of ${options.partition} has ${options.gpusPerNode} GPUs (at most ${most}).`
      : `${options.partition} has ${nodes} node(s) with ${options.gpusPerNode} GPUs; the job asks for ${options.nodes}.`,
  );
}

function timeCheck(options: SlurmJobOptions, lines: readonly PartitionNodes[]): PreflightCheck {
  const asked = slurmMinutes(options.timeLimit);
  const limits = lines.map((line) => line.maxMinutes).filter((minutes): minutes is number => minutes !== undefined);
  const max = limits.length === lines.length ? Math.max(...limits) : undefined;
  if (max === undefined || asked === undefined || asked <= max)
    return slurmCheck('slurm-time', true, `${options.timeLimit} asked; the partition allows ${max ?? 'any'} min.`);
  return slurmCheck(
    'slurm-time',
    false,
    `The job asks for ${asked} min, but ${options.partition} allows at most ${max} min.`,
  );
}

export function slurmCheck(id: SlurmCheckId, ok: boolean, message: string): PreflightCheck {
  const title = SLURM_PREFLIGHT_CHECKS.find(([known]) => known === id)?.[1] ?? id;
  return { id, title, ok, message };
}

export function parseSinfo(stdout: string): PartitionNodes[] {
  return stdout
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter((fields) => fields.length === 5)
    .map(([partition, available, nodes, gres, limit]) => ({
      partition,
      available,
      nodes: Number(nodes) || 0,
      gpusPerNode: gpuCount(gres),
      maxTime: limit,
      maxMinutes: limit === 'infinite' ? undefined : slurmMinutes(limit),
    }));
}

/** GPUs in a gres list such as "gpu:2", "gpu:a100:8(S:0-1),nvme:1" or "(null)". */
export function gpuCount(gres: string): number {
  let count = 0;
  for (const item of gres.split(/,(?![^(]*\))/)) {
    const match = /^gpu(?::[^:(]+)?:(\d+)/.exec(item.trim());
    if (match) count += Number(match[1]);
  }
  return count;
}

/** SLURM's time formats in minutes: "90", "90:30", "2:00:00", "1-12", "1-12:00", "1-12:00:00". */
export function slurmMinutes(value: string): number | undefined {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(value.trim());
  if (!match) return undefined;
  const [, days, first, second, third] = match;
  const parts = [first, second, third].filter((part) => part !== undefined).map(Number);
  let seconds: number;
  if (days !== undefined) {
    // With days the fields are hours[:minutes[:seconds]].
    const [hours, minutes = 0, secs = 0] = parts;
    seconds = ((Number(days) * 24 + hours) * 60 + minutes) * 60 + secs;
  } else if (parts.length === 3) seconds = (parts[0] * 60 + parts[1]) * 60 + parts[2];
  else seconds = parts[0] * 60 + (parts[1] ?? 0);
  // SLURM keeps limits in whole minutes, rounding seconds up.
  return Math.ceil(seconds / 60);
}
