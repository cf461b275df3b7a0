// Playback of one episode: asks for frames around the playhead, decodes them, and paints a frame index only when
// every camera has it. Exposes counters on the root element for tests and the benchmark.
import type { FrameSet, PreviewEpisode } from '../../src/protocol/episodePreview';
import { decodeFrameSet, type DecodedImage } from './decode';
import type { FrameDecoder } from './decodeWorker';
import { FrameStore, clampIndex, strideFor, windowForBudget, type WindowShape } from './frameStore';
import { PlaybackClock, choosePaint } from './playback';

export interface PlayerView {
  paint(index: number, images: readonly DecodedImage[]): void;
  playingChanged(playing: boolean): void;
}

/**
 * Frame sets decoded at once. Arrivals wait their turn in order of urgency, so after a seek the new position is
 * decoded next instead of after everything prefetched for the old one.
 */
const DECODING_AT_ONCE = 2;

/**
 * Seconds of playback decoded ahead while paused. The whole window (seconds more) fills once playback starts: a
 * paused preview that prefetched all of it kept the machine busy for seconds after every open, switch and seek, and
 * a switch to the next episode waited behind that work.
 */
const PAUSED_AHEAD_SECONDS = 1;

export class Player {
  private readonly store: FrameStore<DecodedImage>;
  /** Frame sets received and not yet decoding, by index. */
  private readonly arrived = new Map<number, FrameSet>();
  private decoding = 0;
  private readonly clock: PlaybackClock;
  private readonly window: { ahead: number; behind: number };
  private shown = -1;
  /** The frame the user asked for and waits for; painted the moment its set is complete. */
  private target: number;
  private seekStarted = 0;
  private animation = 0;
  private loopEnabled: boolean;
  private painted = 0;
  private stalls = 0;
  /** When the first frame set was decoded (Date.now()), for the first-frame figure. */
  firstDecodedAt: number | undefined;

  constructor(
    private readonly episode: PreviewEpisode,
    start: { frame: number; speed: number; loop: boolean; servedFrame: number },
    cacheBytes: number,
    private readonly root: HTMLElement,
    private readonly view: PlayerView,
    request: (indices: number[], replace: boolean) => void,
    private readonly decoder: FrameDecoder,
  ) {
    this.store = new FrameStore<DecodedImage>(request);
    this.clock = new PlaybackClock(episode.fps, start.speed);
    this.loopEnabled = start.loop;
    const bytesPerSet = episode.cameras.reduce((sum, camera) => sum + camera.width * camera.height * 4, 0);
    this.window = windowForBudget(cacheBytes, bytesPerSet);
    this.target = clampIndex(start.frame, episode.frameCount);
    this.seekStarted = performance.now();
    if (start.servedFrame === this.target) this.store.expect(this.target);
    this.store.plan(this.target, this.shape());
    // The page may have shown another episode: its counters are not this one's.
    delete root.dataset.firstPaintAt;
    delete root.dataset.firstPaintMs;
    this.updateCounters();
  }

  get frame(): number {
    return this.shown >= 0 ? this.shown : this.target;
  }

  get playing(): boolean {
    return this.clock.playing;
  }

  get speed(): number {
    return this.clock.speed;
  }

  get loop(): boolean {
    return this.loopEnabled;
  }

  /** A frame set arrived from the host: it waits to be decoded if it is still wanted. */
  receive(message: FrameSet): void {
    if (!this.store.wants(message.index)) return;
    this.arrived.set(message.index, message);
    this.decodeNext();
  }

  /**
   * Starts decoding the most urgent waiting frame sets; those no longer wanted are dropped. While a paused user waits
   * for a frame (a seek), nothing else starts decoding: the processor is the frame's.
   */
  private decodeNext(): void {
    while (this.decoding < DECODING_AT_ONCE && this.arrived.size > 0) {
      let next: FrameSet | undefined;
      let best = Infinity;
      for (const [index, message] of this.arrived) {
        const urgency = this.store.urgency(index);
        if (urgency === Infinity) {
          this.arrived.delete(index);
          this.store.abandon(index);
        } else if (urgency < best) {
          best = urgency;
          next = message;
        }
      }
      if (!next) return;
      if (this.awaited() && next.index !== this.target) return;
      this.arrived.delete(next.index);
      this.decoding++;
      void this.decode(next).finally(() => {
        this.decoding--;
        this.decodeNext();
      });
    }
  }

  /** A paused user waits for the target frame: it is not on screen and not decoded yet. */
  private awaited(): boolean {
    return !this.playing && this.shown !== this.target && !this.store.has(this.target);
  }

  private async decode(message: FrameSet): Promise<void> {
    const awaited = this.awaited() && message.index === this.target;
    const images = await decodeFrameSet(this.decoder, message.index, message.images, this.episode.cameras, awaited);
    this.firstDecodedAt ??= Date.now();
    if (!this.store.store(message.index, images)) return;
    if (!this.playing && message.index === this.target && this.shown !== this.target) this.paint(this.target);
  }

  seek(index: number): void {
    const frame = clampIndex(index, this.episode.frameCount);
    this.target = frame;
    this.seekStarted = performance.now();
    if (this.playing) this.clock.rebase(performance.now(), frame);
    this.store.plan(frame, this.shape(), !this.store.has(frame));
    if (this.store.has(frame)) this.paint(frame);
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.target + delta);
  }

  play(): void {
    if (this.playing || this.episode.frameCount < 2) return;
    const atEnd = this.frame >= this.episode.frameCount - 1;
    const from = atEnd && !this.loopEnabled ? 0 : this.frame;
    if (from !== this.frame) this.seek(from);
    this.clock.start(performance.now(), from);
    this.store.plan(from, this.shape());
    this.view.playingChanged(true);
    this.animation = requestAnimationFrame((now) => this.tick(now));
  }

  pause(): void {
    if (!this.playing) return;
    this.clock.stop();
    cancelAnimationFrame(this.animation);
    this.target = this.frame;
    this.view.playingChanged(false);
    this.updateCounters();
  }

  /** The panel was given another episode: playback stops, and decoded frames and frames still to decode are let go. */
  dispose(): void {
    this.clock.stop();
    cancelAnimationFrame(this.animation);
    this.arrived.clear();
    this.store.clear();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(performance.now(), speed);
  }

  setLoop(loop: boolean): void {
    this.loopEnabled = loop;
  }

  private tick(now: number): void {
    if (!this.playing) return;
    const decision = choosePaint(this.shown, this.clock.position(now), this.episode.frameCount, this.loopEnabled, (i) =>
      this.store.has(i),
    );
    if (decision.index !== undefined) {
      if (decision.index < this.shown) this.clock.rebase(now, decision.index); // wrapped around: keep the clock small
      this.target = decision.index;
      this.paint(decision.index);
    } else if (decision.stalled) {
      this.stalls++;
      this.clock.rebase(now, this.shown);
    }
    if (decision.ended) {
      this.pause();
      return;
    }
    this.animation = requestAnimationFrame((next) => this.tick(next));
  }

  private paint(index: number): void {
    const images = this.store.get(index);
    if (!images) return;
    const firstPaint = this.shown < 0;
    this.view.paint(index, images);
    this.shown = index;
    this.painted++;
    if (index === this.target && !this.playing)
      this.root.dataset.seekMs = (performance.now() - this.seekStarted).toFixed(1);
    if (firstPaint) {
      // Since the webview document started, and as wall-clock time for comparing with the moment of the command.
      this.root.dataset.firstPaintMs = performance.now().toFixed(1);
      this.root.dataset.firstPaintAt = String(Date.now());
    }
    this.store.plan(index, this.shape());
    this.updateCounters();
  }

  private shape(): WindowShape {
    const pausedAhead = Math.max(8, Math.ceil(this.episode.fps * this.clock.speed * PAUSED_AHEAD_SECONDS));
    return {
      frameCount: this.episode.frameCount,
      behind: this.window.behind,
      ahead: this.playing ? this.window.ahead : Math.min(this.window.ahead, pausedAhead),
      stride: strideFor(this.episode.fps, this.clock.speed),
      loop: this.loopEnabled,
    };
  }

  /** The counters tests and the benchmark read: frames painted, the index on screen, stalls, frames held. */
  private updateCounters(): void {
    const data = this.root.dataset;
    data.painted = String(this.painted);
    data.frame = String(this.shown);
    data.playing = String(this.playing);
    data.stalls = String(this.stalls);
    data.cached = String(this.store.readyCount);
  }
}
