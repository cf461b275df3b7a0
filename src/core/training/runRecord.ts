// What a run is: the run.json written on the GPU host (the registry's one record) and the summary views show.
import { LogParser, type Progress } from './logParser';
import type { TrainingError } from './logErrors';
import { trainLoss } from './metrics';

export type RunState = 'starting' | 'running' | 'stopping' | 'finished' | 'failed' | 'stopped';
export const TERMINAL_STATES: readonly RunState[] = ['finished', 'failed', 'stopped'];

export function isActive(state: RunState): boolean {
  return !TERMINAL_STATES.includes(state);
}

/**
 * run.json, as written by remote-kit/runs.py. Never holds a secret: the WandB key lives only in the process
 * environment.
 */
export interface RunRecord {
  readonly schema: 1;
  readonly runId: string;
  /** A short human name: the output folder's last part. */
  readonly name: string;
  readonly host: string;
  readonly runDir: string;
  readonly logFile: string;
  readonly outputDir: string;
  /** The Ctrl-World checkout the trainer ran in. */
  readonly workdir: string;
  /** Where the config came from (a path on the host, or a local file) and the snapshot the run used. */
  readonly configSource: string;
  readonly configSnapshot: string;
  readonly configModule: string;
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
  readonly gpus: readonly number[];
  readonly mainProcessPort: number;
  readonly target: string;
  readonly detach: 'setsid' | 'tmux';
  /** The command as launched (no secrets are ever on it). */
  readonly command: readonly string[];
  readonly wandb: 'online' | 'offline';
  readonly totalSteps?: number;
  readonly continuedFrom?: { readonly runId?: string; readonly checkpoint: string; readonly step?: number };
  readonly startedAt: string;
  readonly kitVersion: string;
  readonly pid?: number;
  readonly pgid?: number;
  /** A run submitted to SLURM: its job, and what the scheduler last said about it. */
  readonly slurm?: SlurmJobRecord;
  /** One machine's part of a run over several hosts; every machine's run.json holds the whole list. */
  readonly multiNode?: MultiNodeRecord;
  readonly state: RunState;
  readonly endedAt?: string;
  readonly exitCode?: number | null;
  readonly failure?: string;
  readonly lastLines?: readonly string[];
}

export interface SlurmJobRecord {
  readonly jobId: string;
  /** SLURM's own state (PENDING, RUNNING, TIMEOUT…), which the run's state is derived from. */
  readonly state?: string;
  /** Why a job waits (Resources, Priority…) or was ended. */
  readonly reason?: string;
  /** SLURM's estimate of a pending job's start (ISO 8601, the cluster's local time), when it has one. */
  readonly startEstimate?: string;
}

export interface MultiNodeRecord {
  /** This machine's rank; rank 0 is the main machine, whose record is the run the views show. */
  readonly rank: number;
  readonly mainAddress: string;
  readonly machines: readonly MachineRecord[];
}

export interface MachineRecord {
  /** The host as the extension knows it (an SSH alias). */
  readonly host: string;
  /** The run's id in that host's registry. */
  readonly runId: string;
}

/** One line of the runs list: the record plus what the log's tail says. */
export interface RunSummary {
  readonly record: RunRecord;
  readonly progress?: Progress;
  readonly totalSteps?: number;
  readonly lastError?: TrainingError;
  readonly logSize: number;
}

/** runs.py list's entries, checked so a damaged run.json cannot break the view. */
export function summariseListEntry(entry: unknown): RunSummary | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { record, logSize, logTail } = entry as { record?: RunRecord; logSize?: number; logTail?: string };
  if (!record || typeof record.runId !== 'string' || typeof record.state !== 'string') return undefined;
  const parser = new LogParser();
  parser.push(logTail ?? '');
  parser.end();
  return {
    record,
    progress: parser.progress,
    totalSteps: parser.progress?.total ?? parser.totalSteps ?? record.totalSteps,
    lastError: parser.errors.at(-1),
    logSize: typeof logSize === 'number' ? logSize : 0,
  };
}

/**
 * The state as views show it: the run's own, with what SLURM says where the run is a job ("starting · PENDING
 * (Resources), est. start 2026-12-06T04:00:00", "stopped · TIMEOUT").
 */
export function stateLabel(record: Pick<RunRecord, 'state' | 'slurm'>): string {
  const job = record.slurm;
  if (!job?.state) return record.state;
  const why = job.reason ? ` (${job.reason})` : '';
  const start = job.startEstimate ? `, est. start ${job.startEstimate}` : '';
  return `${record.state} · ${job.state}${why}${start}`;
}

/** The CLI contract of `runs --json`. */
export function runsJson(summaries: readonly RunSummary[]) {
  return summaries.map(({ record, progress, totalSteps }) => ({
    runId: record.runId,
    state: record.state,
    step: progress?.step ?? 0,
    totalSteps: totalSteps ?? null,
    loss: trainLoss(progress) ?? null,
    outputDir: record.outputDir,
    startedAt: record.startedAt,
  }));
}

/** "3 h ago", "just now": for tree descriptions and the CLI. */
export function age(fromIso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(fromIso)) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A new run id: sortable by start time, safe in paths, module names and tmux session names. */
export function newRunId(now = new Date(), random = Math.random): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${stamp}_${Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0')}`;
}
