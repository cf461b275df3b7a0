// Serves frame sets to a preview in the order it asks for them, a few at a time so a seek is never stuck behind
// megabytes already on their way, in short slices so the extension host stays responsive, from a small
// byte-bounded cache so stepping back and forth re-reads nothing.

export interface FrameFeedSource<T> {
  /** Reads one frame set (every camera) synchronously; h5wasm reads are synchronous. */
  read(index: number): T;
  send(index: number, frames: T): void;
  /** Bytes held by a frame set, for the cache bound. */
  sizeOf(frames: T): number;
  /** `read` threw: the feed goes on with the next index. */
  failed(index: number, error: unknown): void;
}

export class FrameFeed<T> {
  private queue: number[] = [];
  /** Sent and not yet acknowledged by the webview. */
  private inFlight = 0;
  private readonly queued = new Set<number>();
  private readonly cache: ByteBoundedCache<T>;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private disposed = false;

  constructor(
    private readonly source: FrameFeedSource<T>,
    cacheBytes: number,
    /** Work done per turn of the event loop before yielding to other messages (a seek, a flag…). */
    /**
     * Frame sets on their way at once. Enough to cover the round trip during playback; few enough that what is
     * queued in the message pipe when the user seeks arrives in a few milliseconds.
     */
    private readonly maxInFlight = 16,
    private readonly sliceMs = 8,
  ) {
    this.cache = new ByteBoundedCache<T>(cacheBytes, source.sizeOf);
  }

  /** Adds indices behind the queue, or (replace) drops what is queued first: the preview moved elsewhere. */
  want(indices: readonly number[], replace: boolean): void {
    if (this.disposed) return;
    if (replace) {
      this.queue = [];
      this.queued.clear();
    }
    for (const index of indices) {
      if (!this.queued.has(index)) {
        this.queued.add(index);
        this.queue.push(index);
      }
    }
    this.schedule();
  }

  /** Serves one index now, ahead of the queue and the in-flight limit (the first frame, while the webview loads). */
  serveNow(index: number): void {
    if (!this.disposed) this.serve(index);
  }

  /** The webview received a frame set: one more may go. */
  acknowledge(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
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
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.pump();
    });
  }

  private pump(): void {
    const started = performance.now();
    while (this.queue.length > 0 && !this.disposed && this.inFlight < this.maxInFlight && performance.now() - started < this.sliceMs) {
      const index = this.queue.shift()!;
      this.queued.delete(index);
      this.serve(index);
    }
    this.schedule();
  }

  private serve(index: number): void {
    let frames = this.cache.get(index);
    if (frames === undefined) {
      try {
        frames = this.source.read(index);
      } catch (error) {
        this.source.failed(index, error);
        return;
      }
      this.cache.set(index, frames);
    }
    this.inFlight++;
    this.source.send(index, frames);
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
