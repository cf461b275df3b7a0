// Serves frame sets to a preview in the order it asks for them, in short slices so the extension host stays
// responsive, from a small byte-bounded cache so stepping back and forth re-reads nothing.

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
  private readonly queued = new Set<number>();
  private readonly cache: ByteBoundedCache<T>;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private disposed = false;

  constructor(
    private readonly source: FrameFeedSource<T>,
    cacheBytes: number,
    /** Work done per turn of the event loop before yielding to other messages (a seek, a flag…). */
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

  /** Serves one index now, ahead of the queue (the first frame while the webview is still loading). */
  serveNow(index: number): void {
    if (!this.disposed) this.serve(index);
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
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.pump();
    });
  }

  private pump(): void {
    const started = performance.now();
    while (this.queue.length > 0 && !this.disposed && performance.now() - started < this.sliceMs) {
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
