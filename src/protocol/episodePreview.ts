// Messages between an Episode Preview panel and the extension, shared by the host and webview-ui/episodePreview.
import type { ReadyMessage } from './channel';

export const EPISODE_PREVIEW_VIEW_TYPE = 'ctrlWorld.episodePreview';

export interface PreviewCamera {
  readonly name: string;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly encoding: 'raw' | 'jpeg';
  /** Raw cameras: the channel order the frames were read in (the host sends them as RGB either way). */
  readonly colorOrder?: 'rgb' | 'bgr';
}

/** One numeric array of the episode (qpos, action), one row per frame. */
export interface PreviewSeries {
  readonly name: string;
  /** Values per frame (7 for Flexiv qpos and action). */
  readonly dimensions: number;
  /**
   * Frames between consecutive rows of `values`: 1, or more for an episode too long to plot every frame of.
   */
  readonly frameStep: number;
  /** Row-major: row r (frame r * frameStep), dimension d at r * dimensions + d. A typed array travels as bytes. */
  readonly values: Float64Array;
}

/** A problem of the episode; those with a frame range become markers on the scrubber. */
export interface PreviewProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Inclusive frame range the problem covers, when it has one (e.g. NaN rows). */
  readonly frames?: { readonly first: number; readonly last: number };
}

export interface PreviewFlag {
  readonly reason: string;
  readonly flaggedAt: string;
}

export interface PreviewEpisode {
  /** Absolute path of the episode file; the panel's identity. */
  readonly file: string;
  /** The file name shown in the title and the header. */
  readonly name: string;
  readonly frameCount: number;
  readonly fps: number;
  readonly cameras: readonly PreviewCamera[];
  readonly series: readonly PreviewSeries[];
  readonly problems: readonly PreviewProblem[];
  readonly flag: PreviewFlag | null;
}

/** What the panel remembers across reloads (webview state) and what a caller may ask for when opening. */
export interface PreviewViewState {
  readonly file: string;
  readonly frame: number;
  readonly speed: number;
  readonly loop: boolean;
  /** The camera shown large, or null for the side-by-side grid. */
  readonly enlarged: string | null;
  readonly chartsVisible: boolean;
  /** Sliding-window mode: the charts follow the playhead over this many frames; 0 shows the whole episode. */
  readonly chartWindow: number;
  /** Series hidden through the chart legends, as "<series>:<dimension>". */
  readonly hiddenSeries: readonly string[];
  /** Kept open: opening another episode does not show it in this panel. */
  readonly kept: boolean;
}

/** One camera's image for one frame index: bytes as stored (JPEG) or RGB rows (raw). */
export type FrameImage =
  | { readonly kind: 'jpeg'; readonly bytes: Uint8Array }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array; readonly width: number; readonly height: number }
  | { readonly kind: 'missing'; readonly message: string };

/** Every camera's image for one frame index, in the order of `PreviewEpisode.cameras`. */
export interface FrameSet {
  readonly index: number;
  readonly images: readonly FrameImage[];
}

/** A few frame sets per message: each message through the editor has a cost of its own. */
export interface FramesMessage {
  readonly type: 'frames';
  readonly sets: readonly FrameSet[];
}

export type EpisodePreviewHostMessage =
  | {
      readonly type: 'episode';
      readonly episode: PreviewEpisode;
      /** Where to start; the webview's own remembered state wins when it is for the same file. */
      readonly initial: Partial<Omit<PreviewViewState, 'file'>>;
      /** Memory for decoded frames in the webview (ctrlWorld.preview.frameCacheMB). */
      readonly frameCacheMB: number;
      /** The frame set the host sends right after this message, unasked: the webview does not ask for it again. */
      readonly servedFrame: number;
      /**
       * Where the webview fetches the frame sets it wants (src/protocol/frameBatch.ts); absent, or once a fetch
       * fails, it asks with `want` messages and they come as `frames` messages.
       */
      readonly frameUrl?: string;
    }
  | FramesMessage
  /** The episode's frames can be fetched from `url` now (see `frameUrl` of the episode message). */
  | { readonly type: 'frameUrl'; readonly file: string; readonly url: string }
  /** The episode was opened again (e.g. from a camera node): go to that frame and/or enlarge that camera. */
  | { readonly type: 'navigate'; readonly frame?: number; readonly enlarged?: string | null }
  | { readonly type: 'flag'; readonly flag: PreviewFlag | null }
  /** The panel was kept open or let go (remembered across reloads). */
  | { readonly type: 'kept'; readonly kept: boolean }
  /** Every problem of the episode, once validation (which samples frames) has run after the first frame. */
  | { readonly type: 'problems'; readonly problems: readonly PreviewProblem[] }
  /** The episode cannot be shown at all (not HDF5, no cameras…): the reason and what to do. */
  | { readonly type: 'failed'; readonly message: string };

/**
 * Wall-clock times (Date.now(), the host's clock too) of the page's steps to an episode's first frame. The document's
 * own steps are there only for the first episode the document shows.
 */
export interface FirstPaintSteps {
  /** VS Code started the webview's document. */
  readonly document?: number;
  /** The page's script began to run. */
  readonly script?: number;
  /** The page said `ready`. */
  readonly ready?: number;
  readonly episode: number;
  /** The first frame set arrived. */
  readonly frames: number;
  readonly decoded: number;
  /** Drawn into the canvases: on screen with the next rendering. */
  readonly painted: number;
}

export type EpisodePreviewViewMessage =
  | ReadyMessage
  /**
   * Frames the webview wants, most urgent first. `replace` drops what the host still had queued (after a seek);
   * otherwise the indices are added behind the queue. `file` names the episode: after the panel was given another
   * episode, what the webview still asks for the previous one is ignored.
   */
  | { readonly type: 'want'; readonly file: string; readonly indices: readonly number[]; readonly replace: boolean }
  /** Frame sets arrived (before decoding): the host may send as many more; it keeps only a few on their way. */
  | { readonly type: 'received'; readonly file: string; readonly count: number }
  /** The first frame of an episode is on screen: the host logs the time from the command to here, step by step. */
  | { readonly type: 'firstPaint'; readonly index: number; readonly steps: FirstPaintSteps }
  /** Fetching frames from `frameUrl` failed; the webview asks by message from now on. */
  | { readonly type: 'frameFetchFailed'; readonly reason: string }
  | { readonly type: 'flagEpisode' }
  | { readonly type: 'unflagEpisode' }
  | { readonly type: 'copyFrameIndex'; readonly index: number }
  | { readonly type: 'saveFramePng'; readonly index: number; readonly png: ArrayBuffer; readonly label: string }
  | { readonly type: 'showOutput' };

export const PREVIEW_SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4] as const;

export function defaultViewState(file: string): PreviewViewState {
  return {
    file,
    frame: 0,
    speed: 1,
    loop: false,
    enlarged: null,
    chartsVisible: true,
    chartWindow: 0,
    hiddenSeries: [],
    kept: false,
  };
}
