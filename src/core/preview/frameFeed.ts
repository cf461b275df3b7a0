// Serves frame sets to a preview in the order it asks for them: a few at a time so a seek is never stuck behind
// megabytes already on their way, several per message because each message through the editor costs, in short
// slices so the extension host stays responsive, from a small byte-bounded cache so stepping back re-reads nothing.

export interface FrameFeedSource<T> {
  /** Reads one frame set (every camera) synchronously; h5wasm reads are synchronous. */
  read(index: number): T;
  /** Sends frame sets, in the order they were asked for, as one message. */
  send(batch: ReadonlyArray<{ readonly index: number; readonly frames: T }>): void;
  /** Bytes held by a frame set, for the cache bound. */
  sizeOf(frames: T): number;
  /** `read` threw: the feed goes on with the next index. */
  failed(index: number, error: unknown): void;
}

export interface FrameFeedLimits {
  /**
   * Frame sets on their way at once: enough to cover the round trip during playback, few enough that what is in
   * the message pipe when the user seeks arrives quickly.
   */
  readonly inFlight: number;
  /** Frame sets per message. */
  readonly batch: number;
  /** Reading done per turn of the event loop before yielding to other messages (a seek, a flag…). */
  readonly sliceMs: number;
}

/**
 * Eight sets (two messages, ~1.2 MB of three 640x480 JPEG cameras) keep 1x playback fed; in code-server on two cores
 * sixteen doubled a seek's wait behind what was already in the pipe (median 286 ms against 155 ms).
 */
export const DEFAULT_FEED_LIMITS: FrameFeedLimits = { inFlight: 8, batch: 4, sliceMs: 8 };

export class FrameFeed<T> {
  private queue: number[] = [];
  private readonly queued = new Set<number>();
  /** Sent and not yet acknowledged by the webview. */
  private inFlight = 0;
  private readonly cache: ByteBoundedCache<T>;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private disposed = false;

  constructor(
    private readonly source: FrameFeedSource<T>,
    cacheBytes: number,
    private readonly limits: FrameFeedLimits = DEFAULT_FEED_LIMITS,
  ) {
    this.cache = new ByteBoundedCache<T>(cacheBytes, source.sizeOf);
  }

  /**
   * Adds indices behind the queue, or (replace) drops what is queued first: the preview moved elsewhere. After such a
   * seek the new position goes at once in a message of its own, past the in-flight limit: the user waits for it,
   * not for the acknowledgements of frames sent for the old position nor for a batch to fill.
   */
  want(indices: readonly number[], replace: boolean): void {
    if (this.disposed) return;
    let rest = indices;
    if (replace) {
      this.queue = [];
      this.queued.clear();
      if (indices.length > 0) {
        this.serveNow(indices[0]!);
        rest = indices.slice(1);
      }
    }
    for (const index of rest) {
      if (!this.queued.has(index)) {
        this.queued.add(index);
        this.queue.push(index);
      }
    }
    this.schedule();
  }

  /** Serves one index now, ahead of the queue and the in-flight limit (the first frame, while the webview loads). */
  serveNow(index: number): void {
    const frames = this.disposed ? undefined : this.read(index);
    if (frames !== undefined) this.send([{ index, frames }]);
  }

  /** The webview received `count` frame sets: as many more may go. */
  acknowledge(count: number): void {
    this.inFlight = Math.max(0, this.inFlight - count);
    this.schedule();
  }

  /** The webview was reloaded: whatever was on its way is lost, and nothing is owed any more. */
  reset(): void {
    this.queue = [];
    this.queued.clear();
    this.inFlight = 0;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  dispose(): void {
    this.disposed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.queue = [];
    this.queued.clear();
    this.cache.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.limits.inFlight) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.pump();
    });
  }

  /** One slice: reads what the limits allow, sending each full batch at once and the rest at the end. */
  private pump(): void {
    const started = performance.now();
    let batch: Array<{ index: number; frames: T }> = [];
    while (
      this.queue.length > 0 &&
      !this.disposed &&
      this.inFlight + batch.length < this.limits.inFlight &&
      performance.now() - started < this.limits.sliceMs
    ) {
      const index = this.queue.shift()!;
      this.queued.delete(index);
      const frames = this.read(index);
      if (frames !== undefined) batch.push({ index, frames });
      if (batch.length >= this.limits.batch) {
        this.send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) this.send(batch);
    this.schedule();
  }

  /** One frame set, from the cache or read now; undefined when it cannot be read (`failed` was told why). */
  read(index: number): T | undefined {
    let frames = this.cache.get(index);
    if (frames === undefined) {
      try {
        frames = this.source.read(index);
      } catch (error) {
        this.source.failed(index, error);
        return undefined;
      }
      this.cache.set(index, frames);
    }
    return frames;
  }

  private send(batch: ReadonlyArray<{ index: number; frames: T }>): void {
    this.inFlight += batch.length;
    this.source.send(batch);
  }
}

/** Least-recently-used entries go first once the byte budget is exceeded. */
export class ByteBoundedCache<T> {
  private readonly entries = new Map<number, { value: T; bytes: number }>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get(key: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: number, value: T): void {
    const bytes = this.sizeOf(value);
    if (bytes > this.budget) return;
    const old = this.entries.get(key);
    if (old) this.total -= old.bytes;
    this.entries.delete(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
    }
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
