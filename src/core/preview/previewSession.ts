// The host's side of one Episode Preview, free of the editor: opens the episode while the webview loads, sends it
// with its first frame as soon as it is open, serves the frames it asks for (fetched from the frame server, or fed as
// messages), and validates it once that frame is shown.
import * as path from 'node:path';
import { describeError } from '../errors';
import type { ScanOptions } from '../dataset/types';
import type {
  EpisodePreviewHostMessage,
  FrameImage,
  PreviewFlag,
  PreviewProblem,
  PreviewViewState,
} from '../../protocol/episodePreview';
import { openPreviewSource, type PreviewSource } from './episodeSource';
import { FrameFeed } from './frameFeed';
import type { FrameReader } from './frameServer';
import type { DisposableLike } from '../lifecycle';
import type { ColorOrder } from '../convert/stateSource';

/** Encoded frames the host keeps for re-requests (stepping back, loops): a few seconds of three JPEG cameras. */
const HOST_CACHE_BYTES = 64 * 2 ** 20;

export type PreviewStart = Partial<Omit<PreviewViewState, 'file'>>;

export interface PreviewSessionHost {
  post(message: EpisodePreviewHostMessage): void;
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** The episode's flag as stored now. */
  flag(): Promise<PreviewFlag | null>;
  readonly scanOptions: () => ScanOptions;
  /** Channel order of raw frames, taken when the episode opens. */
  readonly rawColorOrder: () => ColorOrder;
  readonly frameCacheMB: () => number;
  /**
   * Serves the episode's frame sets over HTTP (FrameServer) and says where the webview fetches them; undefined when
   * they travel as messages.
   */
  readonly serveFrames?: (read: FrameReader, frameCount: number) => Promise<ServedFrames | undefined>;
}

export interface ServedFrames extends DisposableLike {
  /** The URL the webview fetches frame sets from. */
  readonly url: string;
}

export class PreviewSession {
  private readonly source: Promise<PreviewSource>;
  private feed: FrameFeed<FrameImage[]> | undefined;
  private served: Promise<ServedFrames | undefined> | undefined;
  /** Where the webview fetches frames, once the frame server has a route for this episode. */
  private frameUrl: string | undefined;
  private problems: readonly PreviewProblem[] | undefined;
  private disposed = false;
  private validating = false;
  /** When the episode was open, then posted with its first frame set (Date.now()), for the first-frame figure. */
  readonly steps: { opened?: number; episode?: number; frames?: number; validation?: [number, number] } = {};

  constructor(
    readonly file: string,
    private readonly start: PreviewStart,
    private readonly host: PreviewSessionHost,
  ) {
    this.source = this.load();
    this.source.catch(() => undefined); // reported to the webview by sendEpisode
  }

  /**
   * For every new document of the webview (while it loads, and on its `ready` each time a hidden panel is shown
   * again): the episode, then its first frame.
   */
  async sendEpisode(): Promise<void> {
    let source: PreviewSource;
    try {
      source = await this.source;
    } catch (error) {
      this.host.log.error(`Episode preview of ${this.file}: ${describeError(error)}`);
      this.host.post({ type: 'failed', message: describeError(error) });
      return;
    }
    if (this.disposed) return;
    if (source.episode.cameras.length === 0) {
      this.host.post({
        type: 'failed',
        message: `${path.basename(this.file)} has no cameras under /observations/images, so there is nothing to play. Check that it is a Flexiv/ALOHA episode.`,
      });
      return;
    }
    const flag = await this.host.flag();
    const servedFrame = Math.max(0, Math.min(source.episode.frameCount - 1, this.start.frame ?? 0));
    this.steps.episode ??= Date.now();
    this.host.post({
      type: 'episode',
      episode: { ...source.episode, flag },
      initial: this.start,
      frameCacheMB: this.host.frameCacheMB(),
      servedFrame,
      frameUrl: this.frameUrl,
    });
    this.feed?.reset();
    this.feed?.serveNow(servedFrame);
    if (this.problems) this.host.post({ type: 'problems', problems: this.problems });
  }

  /**
   * The webview painted the episode's first frame: now it is validated, once. Validation samples frames and holds
   * this thread for tens of milliseconds: run as soon as the first frame was on its way, it held up the messages
   * carrying it. A timer, not setImmediate: the editor writes posted messages to its socket from a timer, and an
   * immediate would run before that write.
   */
  firstFrameShown(): void {
    if (this.validating) return;
    this.validating = true;
    void this.source.then(
      (source) =>
        setTimeout(() => {
          if (this.disposed) return;
          const started = Date.now();
          this.problems = this.validate(source);
          this.steps.validation = [started, Date.now()];
          this.host.post({ type: 'problems', problems: this.problems });
        }, 0),
      () => undefined,
    );
  }

  want(indices: readonly number[], replace: boolean): void {
    this.feed?.want(indices, replace);
  }

  received(count: number): void {
    this.feed?.acknowledge(count);
  }

  /** The webview's document was discarded (hidden panel): what was on its way is lost. */
  reset(): void {
    this.feed?.reset();
  }

  dispose(): void {
    this.disposed = true;
    this.feed?.dispose();
    void this.served?.then((served) => served?.dispose());
    void this.source.then(
      (source) => source.close(),
      () => undefined,
    );
  }

  private async load(): Promise<PreviewSource> {
    const started = performance.now();
    const source = await openPreviewSource(this.file, {
      defaultFps: this.host.scanOptions().defaultFps,
      rawColorOrder: this.host.rawColorOrder(),
    });
    if (this.disposed) {
      source.close();
      return source;
    }
    this.feed = new FrameFeed<FrameImage[]>(
      {
        read: (index) => source.readFrameSet(index),
        send: (batch) => {
          this.steps.frames ??= Date.now();
          this.host.post({ type: 'frames', sets: batch.map(({ index, frames }) => ({ index, images: frames })) });
        },
        sizeOf: (images) => images.reduce((sum, image) => sum + ('bytes' in image ? image.bytes.byteLength : 0), 0),
        failed: (index, error) => this.host.log.warn(`${this.file}: frame ${index}: ${describeError(error)}`),
      },
      HOST_CACHE_BYTES,
    );
    const feed = this.feed;
    // The episode does not wait for the route (the first frame goes as a message anyway): a webview that got the
    // episode before it is told where to fetch the rest.
    this.served = this.serveFrames((index) => feed.read(index), source.episode.frameCount);
    void this.served.then((served) => {
      if (!served || this.disposed) return;
      this.frameUrl = served.url;
      // `steps.episode` is set when the episode is first posted.
      if (this.steps.episode !== undefined) this.host.post({ type: 'frameUrl', file: this.file, url: served.url });
    });
    this.steps.opened = Date.now();
    const { episode } = source;
    this.host.log.info(
      `Episode preview: opened ${this.file} (${episode.cameras.length} cameras, ${episode.frameCount} frames) in ${(performance.now() - started).toFixed(0)} ms`,
    );
    return source;
  }

  /** Frames over HTTP where the host offers it; messages when it does not or cannot (the reason is logged). */
  private async serveFrames(read: FrameReader, frameCount: number): Promise<ServedFrames | undefined> {
    try {
      const served = await this.host.serveFrames?.(read, frameCount);
      if (this.disposed) served?.dispose();
      return served;
    } catch (error) {
      this.host.log.warn(`Episode preview of ${this.file}: frames go as messages: ${describeError(error)}`);
      return undefined;
    }
  }

  private validate(source: PreviewSource): readonly PreviewProblem[] {
    try {
      return source.validate(this.host.scanOptions());
    } catch (error) {
      this.host.log.warn(`Validation of ${this.file} for its preview failed: ${describeError(error)}`);
      return source.episode.problems;
    }
  }
}
