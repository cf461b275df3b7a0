// Playback timing: which frame is due at a given moment, and which ready frame to paint so cameras never desync.
// Pure logic (times are passed in), so unit tests drive it without a browser.

/** Maps wall-clock time to a fractional frame position at the episode's fps times the speed. */
export class PlaybackClock {
  private anchorTime = 0;
  private anchorPosition = 0;
  private running = false;

  constructor(
    private fps: number,
    private speedFactor = 1,
  ) {}

  get playing(): boolean {
    return this.running;
  }

  get speed(): number {
    return this.speedFactor;
  }

  start(now: number, position: number): void {
    this.anchorTime = now;
    this.anchorPosition = position;
    this.running = true;
  }

  stop(): void {
    this.running = false;
  }

  /** Changing speed keeps the current position, so the picture does not jump. */
  setSpeed(now: number, speed: number): void {
    if (this.running) this.rebase(now, this.position(now));
    this.speedFactor = speed;
  }

  /** Restarts the timing from `position` at `now`: after a stall, after a seek, at a loop's wrap. */
  rebase(now: number, position: number): void {
    this.anchorTime = now;
    this.anchorPosition = position;
  }

  position(now: number): number {
    if (!this.running) return this.anchorPosition;
    // A screen refresh's timestamp may precede the moment playback started: time never runs backwards here.
    return this.anchorPosition + (Math.max(0, now - this.anchorTime) / 1000) * this.fps * this.speedFactor;
  }
}

export interface PaintDecision {
  /** The frame to paint now, if any differs from the one on screen. */
  readonly index?: number;
  /** Nothing newer is ready: the clock should wait at the frame on screen instead of running away from it. */
  readonly stalled: boolean;
  /** Playback reached the last frame without loop. */
  readonly ended: boolean;
}

/**
 * Chooses the frame to paint on this screen refresh. The due frame is painted when every camera has it; otherwise
 * the newest ready frame between the one on screen and the due one (every camera skips the same frames); otherwise
 * nothing (a stall). With `loop`, positions past the end wrap to the start.
 */
export function choosePaint(
  shown: number,
  position: number,
  frameCount: number,
  loop: boolean,
  isReady: (index: number) => boolean,
): PaintDecision {
  const last = frameCount - 1;
  const ended = !loop && position >= last;
  const frame = Math.max(0, Math.floor(position));
  const due = loop ? frame % frameCount : Math.min(last, frame);
  if (due === shown) return { stalled: false, ended: ended && shown === last };
  // Frames still to show up to the due one; only a loop may wrap past the end.
  const distance = loop ? (due - shown + frameCount) % frameCount : due - shown;
  if (distance <= 0) return { stalled: false, ended: false };
  for (let back = 0; back < distance; back++) {
    const candidate = (due - back + frameCount) % frameCount;
    if (isReady(candidate)) return { index: candidate, stalled: false, ended: ended && candidate === last };
  }
  return { stalled: true, ended: false };
}
