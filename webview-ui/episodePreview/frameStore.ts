// The webview's bounded cache of decoded frame sets around the playhead, and what to ask the host for next.
// Pure logic (no DOM), so unit tests drive it with fake images.

/** Anything that holds decoder memory: ImageBitmap, or a placeholder for a missing frame. */
export interface Closable {
  close(): void;
}

export interface WindowShape {
  readonly frameCount: number;
  /** Frame sets kept after the playhead (in playing order), including the playhead itself. */
  readonly ahead: number;
  /** Frame sets kept before the playhead, for stepping back without a round trip. */
  readonly behind: number;
  /** Prefetch every `stride`-th frame ahead when playback is faster than the screen can show. */
  readonly stride: number;
  readonly loop: boolean;
}

/** Indices to hold around `playhead`, most urgent first: the playhead, then ahead in playing order, then behind. */
export function prefetchOrder(playhead: number, shape: WindowShape): number[] {
  const { frameCount, ahead, behind, stride, loop } = shape;
  if (frameCount <= 0) return [];
  const order: number[] = [];
  const seen = new Set<number>();
  const add = (index: number) => {
    if (!seen.has(index)) {
      seen.add(index);
      order.push(index);
    }
  };
  add(clampIndex(playhead, frameCount));
  for (let step = 1; step < ahead; step++) {
    const index = playhead + step * stride;
    if (index < frameCount) add(index);
    else if (loop) add(index % frameCount);
    else break;
  }
  for (let step = 1; step <= behind; step++) {
    if (playhead - step >= 0) add(playhead - step);
  }
  return order;
}

export function clampIndex(index: number, frameCount: number): number {
  return Math.max(0, Math.min(frameCount - 1, Math.round(index)));
}

/**
 * Decoded frame sets (one image per camera) for a window around the playhead. Memory stays bounded: sets outside
 * the window are closed, and arrivals outside it are refused. `request` asks the host for indices it does not have.
 */
export class FrameStore<Image extends Closable> {
  private readonly ready = new Map<number, readonly Image[]>();
  /** Requested from the host or being decoded; not asked for again until a seek forgets them. */
  private readonly pending = new Set<number>();
  /** The window, each index with its urgency: 0 for the playhead, then in prefetch order. */
  private window = new Map<number, number>();

  constructor(private readonly request: (indices: number[], replace: boolean) => void) {}

  /**
   * Moves the window to `playhead`: closes what fell out, asks for what is missing. `replace` (a seek) tells the
   * host to drop what it still had queued, so the new position is served first.
   */
  plan(playhead: number, shape: WindowShape, replace = false): void {
    const order = prefetchOrder(playhead, shape);
    this.window = new Map(order.map((index, urgency) => [index, urgency]));
    for (const [index, images] of this.ready) {
      if (!this.window.has(index)) {
        closeAll(images);
        this.ready.delete(index);
      }
    }
    if (replace) this.pending.clear();
    const missing = order.filter((index) => !this.ready.has(index) && !this.pending.has(index));
    for (const index of missing) this.pending.add(index);
    if (missing.length > 0 || replace) this.request(missing, replace);
  }

  /** The host sends this frame set unasked (the first one): it is not asked for. */
  expect(index: number): void {
    this.pending.add(index);
  }

  /** Whether a frame set that arrived is still worth decoding. */
  wants(index: number): boolean {
    return this.window.has(index) && !this.ready.has(index);
  }

  /** How soon a frame set is needed (lower first); Infinity once it left the window. */
  urgency(index: number): number {
    return this.ready.has(index) ? Infinity : (this.window.get(index) ?? Infinity);
  }

  /** An arrived frame set was dropped undecoded: it may be asked for again if the window comes back to it. */
  abandon(index: number): void {
    this.pending.delete(index);
  }

  /** Keeps a decoded frame set if it is still in the window; otherwise releases it. Returns whether it was kept. */
  store(index: number, images: readonly Image[]): boolean {
    this.pending.delete(index);
    if (!this.wants(index)) {
      closeAll(images);
      return false;
    }
    this.ready.set(index, images);
    return true;
  }

  /**
   * A frame set is paintable only when every camera's image for it is decoded: cameras never show different indices.
   */
  get(index: number): readonly Image[] | undefined {
    return this.ready.get(index);
  }

  has(index: number): boolean {
    return this.ready.has(index);
  }

  get readyCount(): number {
    return this.ready.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  clear(): void {
    for (const images of this.ready.values()) closeAll(images);
    this.ready.clear();
    this.pending.clear();
    this.window.clear();
  }
}

function closeAll(images: readonly Closable[]): void {
  for (const image of images) image.close();
}

/**
 * The window size for a memory budget: how many decoded frame sets (RGBA, every camera) fit, split 3:1 between
 * ahead and behind, never less than a few frames so playback can still run on a tiny budget.
 */
export function windowForBudget(budgetBytes: number, bytesPerFrameSet: number): { ahead: number; behind: number } {
  const capacity = Math.max(8, Math.min(600, Math.floor(budgetBytes / Math.max(1, bytesPerFrameSet))));
  const behind = Math.max(2, Math.floor(capacity / 4));
  return { ahead: capacity - behind, behind };
}

/** Screen refreshes are ~60 Hz: faster playback skips frames, so prefetching every frame would waste decoding. */
export function strideFor(fps: number, speed: number, displayHz = 60): number {
  return Math.max(1, Math.floor((fps * speed) / displayHz));
}
