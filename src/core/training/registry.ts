// The run registry on one host (<root>/runs/<runId>/run.json, train.log, …): list, stop and read logs.
import type { RemoteHost } from '../remote/remoteHost';
import { UserFacingError } from '../errors';
import { kitJson, runKit } from './kit';
import { summariseListEntry, type RunRecord, type RunState, type RunSummary } from './runRecord';
import { readFileSlice } from '../remote/scripts';

/** The default registry folder on a GPU host; a setting can move it. */
export const DEFAULT_REGISTRY_ROOT = '~/.ctrl-world-flexiv';

export interface StopResult {
  readonly runId: string;
  readonly state: RunState;
  /** The signal that ended the run: TERM within the grace period, KILL after it; null when it had already ended. */
  readonly signal: 'TERM' | 'KILL' | null;
  /** Processes of the run still alive afterwards (should be none). */
  readonly remaining: readonly number[];
}

export interface LogChunk {
  readonly bytes: Buffer;
  /** The offset to ask from next time. */
  readonly nextOffset: number;
}

export class RunNotFoundError extends UserFacingError {}

export class RunRegistry {
  private rootPromise?: Promise<string>;

  constructor(
    readonly host: RemoteHost,
    private readonly rootSetting = DEFAULT_REGISTRY_ROOT,
  ) {}

  /** The registry folder as an absolute path on the host. */
  root(signal?: AbortSignal): Promise<string> {
    this.rootPromise ??= this.host.resolve(this.rootSetting, undefined, signal);
    this.rootPromise.catch(() => {
      this.rootPromise = undefined;
    });
    return this.rootPromise;
  }

  /**
   * Every run on the host, newest first. Runs that died without saying are marked failed here (on the host).
   * The other machines' parts of a multi-node run are left out of the full list: the main machine's record is the run.
   */
  async list(signal?: AbortSignal, runId?: string): Promise<RunSummary[]> {
    const root = await this.root(signal);
    const args = ['list', root, ...(runId ? [runId] : [])];
    const entries = kitJson<unknown[]>(
      await runKit(this.host, root, 'runs.py', args, { signal }),
      'Listing runs',
      this.host,
    );
    return entries
      .map(summariseListEntry)
      .filter((summary): summary is RunSummary => summary !== undefined)
      .filter((summary) => runId !== undefined || !summary.record.multiNode?.rank)
      .sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
  }

  async get(runId: string, signal?: AbortSignal): Promise<RunSummary> {
    assertRunId(runId);
    const [summary] = await this.list(signal, runId);
    if (!summary)
      throw new RunNotFoundError(
        `There is no run ${runId} on ${this.host.label}.`,
        'Refresh the Runs view, or list runs with "ctrl-world-flexiv runs".',
        'no-run',
      );
    return summary;
  }

  /**
   * SIGTERM to the run's process group, SIGKILL after `graceSeconds`; then checks that nothing of the run is left.
   * With `failure` the run ends failed with that reason instead of stopped (a multi-node run whose other machine died).
   */
  async stop(runId: string, graceSeconds: number, signal?: AbortSignal, failure?: string): Promise<StopResult> {
    assertRunId(runId);
    const root = await this.root(signal);
    const args = ['stop', root, runId, String(graceSeconds), ...(failure ? [failure] : [])];
    const result = await runKit(this.host, root, 'runs.py', args, {
      signal,
      timeoutMs: (graceSeconds + 60) * 1000,
    });
    return kitJson<StopResult>(result, 'Stopping the run', this.host);
  }

  /** Up to `maxBytes` of the log from `offset`: how a follower or a dashboard reads a growing log incrementally. */
  async readLog(
    record: Pick<RunRecord, 'logFile'>,
    offset: number,
    maxBytes = 1 << 20,
    signal?: AbortSignal,
  ): Promise<LogChunk> {
    const result = await this.host.exec(readFileSlice(record.logFile, offset, maxBytes), { signal, timeoutMs: 60_000 });
    if (result.code !== 0 && result.stdoutBytes.length === 0 && result.stderr.trim()) {
      throw new UserFacingError(
        `Could not read ${record.logFile} on ${this.host.label}: ${result.stderr.trim()}`,
        undefined,
        'log-read',
      );
    }
    return { bytes: result.stdoutBytes, nextOffset: offset + result.stdoutBytes.length };
  }
}

/** Run ids come from users too (CLI); anything else could name a path outside the registry. */
export function assertRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(runId))
    throw new UserFacingError(
      `"${runId}" is not a run id.`,
      'Run ids look like 20261128_003849_a3f2; "ctrl-world-flexiv runs" lists them.',
      'bad-run-id',
    );
}
