// Follows a run: reads its log by byte offset as it grows and checks its state, surviving dropped connections
// (each read is independent and retried with backoff), until the run ends or the follower is stopped. One follower
// serves several readers, each from its own offset, so a log is read once however many views show it.
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
  /** How often an idle log is read again, unless a reader asks for less. */
  readonly pollMs?: number;
  readonly statusEveryMs?: number;
  readonly signal?: AbortSignal;
}

export interface ReaderOptions {
  /** Start reading here (0: the whole log); a dashboard that already has the start passes its offset. */
  readonly fromOffset?: number;
  /** How often this reader wants an idle log read again; the follower polls as often as its most eager reader. */
  readonly pollMs?: number;
}

/**
 * One reader of a followed log, with its own offset, decoder and parser: a reader that joins a follower late still
 * gets the log as one whole stream from where it asked.
 */
export class LogReader {
  readonly parser = new LogParser();
  private readonly decoder = new StringDecoder('utf8');
  private offset: number;

  constructor(
    readonly listener: FollowListener,
    readonly options: ReaderOptions,
  ) {
    this.offset = options.fromOffset ?? 0;
  }

  get bytesRead(): number {
    return this.offset;
  }

  /** Takes the part of `bytes`, read from `start`, beyond what this reader has; false when it had it all. */
  take(start: number, bytes: Buffer): boolean {
    const skip = this.offset - start;
    // A reader that joined during the read starts before `start`: the next read begins at its offset.
    if (skip < 0 || skip >= bytes.length) return false;
    this.offset = start + bytes.length;
    const text = this.decoder.write(bytes.subarray(skip));
    this.emit(text, this.parser.push(text));
    return true;
  }

  end(): void {
    this.emit(this.decoder.end(), this.parser.end());
  }

  private emit(text: string, events: LogEvent[]): void {
    if (text || events.length > 0) this.listener.onLog?.(text, events);
  }
}

export class RunFollower {
  private readonly readers = new Set<LogReader>();
  private readonly controller = new AbortController();
  private latest: RunSummary | undefined;
  /** Where the last read ended: where reading goes on when no reader is attached. */
  private position = 0;
  private finished = false;

  constructor(
    private readonly registry: RunRegistry,
    readonly runId: string,
    private readonly options: FollowOptions = {},
  ) {
    options.signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  /** True once `run` has read the whole log of an ended run: a reader attached now would get nothing. */
  get ended(): boolean {
    return this.finished;
  }

  /** Adds a reader; one joining a follower that already knows the run's state is told it at once. */
  attach(listener: FollowListener, options: ReaderOptions = {}): LogReader {
    const reader = new LogReader(listener, options);
    this.readers.add(reader);
    const known = this.latest;
    // On a later turn, not in a microtask: the caller (and whoever awaits it) must hold its reader first, as its
    // listener may use it.
    if (known) setTimeout(() => this.readers.has(reader) && listener.onSummary?.(known), 0);
    return reader;
  }

  detach(reader: LogReader): void {
    this.readers.delete(reader);
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
    const statusEveryMs = this.options.statusEveryMs ?? 5000;
    let summary = await this.status();
    let lastStatus = Date.now();
    while (true) {
      const start = this.lowestOffset();
      const grew = await this.readMore(summary, start);
      // A reader that joined during the read from further back still has its part to read.
      if (!isActive(summary.record.state) && !grew && this.lowestOffset() >= start) {
        this.finished = true;
        for (const reader of this.readers) reader.end();
        return summary;
      }
      if (Date.now() - lastStatus >= statusEveryMs || !isActive(summary.record.state)) {
        summary = await this.status();
        lastStatus = Date.now();
      }
      if (!grew) await sleep(this.pollMs(), signal);
    }
  }

  private async status(): Promise<RunSummary> {
    const summary = await this.retrying(() => this.registry.get(this.runId, this.controller.signal));
    this.latest = summary;
    for (const reader of this.readers) reader.listener.onSummary?.(summary);
    return summary;
  }

  private lowestOffset(): number {
    if (this.readers.size === 0) return this.position;
    return Math.min(...[...this.readers].map((reader) => reader.bytesRead));
  }

  private pollMs(): number {
    const fallback = this.options.pollMs ?? 1000;
    return Math.min(fallback, ...[...this.readers].map((reader) => reader.options.pollMs ?? fallback));
  }

  /** Reads what the log has beyond `start` and hands each reader its part; true when there was something. */
  private async readMore(summary: RunSummary, start: number): Promise<boolean> {
    const chunk = await this.retrying(() =>
      this.registry.readLog(summary.record, start, 1 << 20, this.controller.signal),
    );
    if (chunk.bytes.length === 0) return false;
    this.position = start + chunk.bytes.length;
    for (const reader of this.readers) reader.take(start, chunk.bytes);
    return true;
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    let dropped = false;
    const tell = (problem: { message: string; retryInMs: number } | undefined) => {
      for (const reader of this.readers) reader.listener.onConnection?.(problem);
    };
    try {
      const value = await withBackoff(work, {
        signal: this.controller.signal,
        attempts: Infinity,
        maxDelayMs: 15_000,
        onRetry: (error, _attempt, retryInMs) => {
          dropped = true;
          tell({ message: error instanceof Error ? error.message : String(error), retryInMs });
        },
      });
      if (dropped) tell(undefined);
      return value;
    } catch (error) {
      if (this.controller.signal.aborted) throw new CancelledError();
      throw error;
    }
  }
}
