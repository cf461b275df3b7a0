// Follows a run: reads its log by byte offset as it grows and checks its state, surviving dropped connections
// (each read is independent and retried with backoff), until the run ends or the follower is stopped.
import { StringDecoder } from 'node:string_decoder';
import { CancelledError } from '../errors';
import { sleep, withBackoff } from '../remote/backoff';
import { LogParser, type LogEvent } from './logParser';
import { isActive, type RunSummary } from './runRecord';
import type { RunRegistry } from './registry';

export interface FollowListener {
  /** New log text (decoded, possibly ending mid-line) and what the parser made of it. */
  onLog?(text: string, events: readonly LogEvent[]): void;
  /** The run's state as the host reports it. */
  onSummary?(summary: RunSummary): void;
  /** The connection dropped and a retry is scheduled; `undefined` once it is back. */
  onConnection?(problem: { message: string; retryInMs: number } | undefined): void;
}

export interface FollowOptions {
  readonly pollMs?: number;
  readonly statusEveryMs?: number;
  /** Start reading here (0: the whole log); a dashboard that already has the start passes its offset. */
  readonly fromOffset?: number;
  readonly signal?: AbortSignal;
}

export class RunFollower {
  readonly parser = new LogParser();
  private offset: number;
  private readonly decoder = new StringDecoder('utf8');
  private readonly controller = new AbortController();

  constructor(
    private readonly registry: RunRegistry,
    readonly runId: string,
    private readonly listener: FollowListener = {},
    private readonly options: FollowOptions = {},
  ) {
    this.offset = options.fromOffset ?? 0;
    options.signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  get bytesRead(): number {
    return this.offset;
  }

  stop(): void {
    this.controller.abort();
  }

  /**
   * Resolves with the final summary once the run has ended and its whole log was read; rejects with CancelledError when
   * stopped.
   */
  async run(): Promise<RunSummary> {
    const signal = this.controller.signal;
    const pollMs = this.options.pollMs ?? 1000;
    const statusEveryMs = this.options.statusEveryMs ?? 5000;
    let summary = await this.retrying(() => this.registry.get(this.runId, signal));
    this.listener.onSummary?.(summary);
    let lastStatus = Date.now();
    while (true) {
      const grew = await this.readMore(summary);
      if (!isActive(summary.record.state) && !grew) {
        this.emit(this.decoder.end(), this.parser.end());
        return summary;
      }
      if (Date.now() - lastStatus >= statusEveryMs || !isActive(summary.record.state)) {
        summary = await this.retrying(() => this.registry.get(this.runId, signal));
        this.listener.onSummary?.(summary);
        lastStatus = Date.now();
      }
      if (!grew) await sleep(pollMs, signal);
    }
  }

  /** Reads what the log has beyond the offset; true when there was something. */
  private async readMore(summary: RunSummary): Promise<boolean> {
    const chunk = await this.retrying(() =>
      this.registry.readLog(summary.record, this.offset, 1 << 20, this.controller.signal),
    );
    if (chunk.bytes.length === 0) return false;
    this.offset = chunk.nextOffset;
    const text = this.decoder.write(chunk.bytes);
    this.emit(text, this.parser.push(text));
    return true;
  }

  private emit(text: string, events: LogEvent[]): void {
    if (text || events.length > 0) this.listener.onLog?.(text, events);
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    let dropped = false;
    try {
      const value = await withBackoff(work, {
        signal: this.controller.signal,
        attempts: Infinity,
        maxDelayMs: 15_000,
        onRetry: (error, _attempt, retryInMs) => {
          dropped = true;
          this.listener.onConnection?.({ message: error instanceof Error ? error.message : String(error), retryInMs });
        },
      });
      if (dropped) this.listener.onConnection?.(undefined);
      return value;
    } catch (error) {
      if (this.controller.signal.aborted) throw new CancelledError();
      throw error;
    }
  }
}
