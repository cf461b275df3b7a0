// What the Episode Preview shows of one episode: cameras, plotted arrays, problems with their frames, and the
// frame sets it reads one index at a time through the project's HDF5 reader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError } from '../errors';
import { EpisodeFile, type CameraInfo } from '../hdf5';
import { checkEpisode } from '../dataset/episodeChecks';
import type { ScanOptions } from '../dataset/types';
import type {
  FrameImage,
  PreviewCamera,
  PreviewEpisode,
  PreviewProblem,
  PreviewSeries,
} from '../../protocol/episodePreview';
import type { ColorOrder } from '../convert/stateSource';
import { nonFiniteRanges } from './problemRanges';

/** The arrays plotted under the cameras, in this order. */
export const PLOTTED_ARRAYS = ['qpos', 'action'] as const;

/**
 * Rows plotted per array at most: an 11-minute episode at 30 Hz is plotted whole, a longer one every n-th frame, so
 * that neither the read nor the chart grows with the episode (a file may declare 10^12 rows).
 */
export const MAX_PLOTTED_ROWS = 20_000;

/** Size assumed for a JPEG camera whose first frame cannot be read, so the layout still has a shape. */
const FALLBACK_SIZE = { width: 640, height: 480 };

export interface PreviewSource {
  readonly episode: PreviewEpisode;
  /** Every camera's image of frame `index`; a camera that cannot give it gets a `missing` entry with the reason. */
  readFrameSet(index: number): FrameImage[];
  /**
   * The dataset validation's problems of this episode (the ones the Problems panel shows) with the frame ranges
   * found here. Slower than opening (it samples frames), so the preview asks for it after the first frame.
   */
  validate(options: ScanOptions): PreviewProblem[];
  close(): void;
}

export interface PreviewSourceOptions {
  /** The rate to use when the file has no fps attribute (the dataset fps setting). */
  readonly defaultFps: number;
  /** Channel order of raw frames (the dataset setting); BGR rows are reversed so that a wrong choice is visible. */
  readonly rawColorOrder: ColorOrder;
}

/** Opens the episode once; throws the reader's user-facing error when the file cannot be opened at all. */
export async function openPreviewSource(file: string, options: PreviewSourceOptions): Promise<PreviewSource> {
  const episodeFile = await EpisodeFile.open(file);
  try {
    return new EpisodePreviewSource(episodeFile, options);
  } catch (error) {
    episodeFile.close();
    throw error;
  }
}

class EpisodePreviewSource implements PreviewSource {
  readonly episode: PreviewEpisode;
  private readonly cameras: readonly CameraInfo[];
  /** Problems with a frame range, found while opening: NaN/Inf rows, cameras shorter than the episode. */
  private readonly located: PreviewProblem[] = [];

  private readonly rawColorOrder: ColorOrder;

  constructor(
    private readonly file: EpisodeFile,
    options: PreviewSourceOptions,
  ) {
    this.rawColorOrder = options.rawColorOrder;
    this.cameras = file.cameras;
    const problems: PreviewProblem[] = file.issues.map((issue) => ({ severity: 'error', message: issue.fullMessage }));
    const located = this.located;
    const series: PreviewSeries[] = [];
    for (const name of PLOTTED_ARRAYS) {
      const info = file.arrays.find((array) => array.name === name);
      if (!info || info.shape.length === 0 || info.shape.length > 2) continue;
      try {
        const frameStep = Math.max(1, Math.ceil((info.shape[0] ?? 0) / MAX_PLOTTED_ROWS));
        const values =
          frameStep === 1
            ? Float64Array.from(file.readArray(name) as ArrayLike<number | bigint>, Number)
            : file.readArrayEvery(name, frameStep);
        const plotted: PreviewSeries = { name, dimensions: info.shape[1] ?? 1, frameStep, values };
        series.push(plotted);
        located.push(...nonFiniteRanges(plotted));
      } catch (error) {
        problems.push({ severity: 'error', message: describeError(error) });
      }
    }
    const frameCount = Math.max(0, ...this.cameras.map((camera) => camera.frames));
    located.push(...shortCameraProblems(this.cameras, frameCount));
    problems.push(...located);
    this.episode = {
      file: file.path,
      name: path.basename(file.path),
      frameCount,
      fps: file.fps ?? options.defaultFps,
      cameras: this.cameras.map((camera) => toPreviewCamera(camera, options.rawColorOrder)),
      series,
      problems,
      // Flags live beside the dataset, not in the file: the session fills this in when it sends the episode.
      flag: null,
    };
  }

  readFrameSet(index: number): FrameImage[] {
    return this.cameras.map((camera) => {
      if (index >= camera.frames)
        return { kind: 'missing', message: `${camera.name} has only ${camera.frames} frames.` };
      try {
        const frame = this.file.readFrame(camera.name, index);
        const bytes = compact(frame.bytes);
        if (frame.encoding === 'jpeg') return { kind: 'jpeg', bytes };
        return {
          kind: 'raw',
          bytes: this.rawColorOrder === 'bgr' ? bgrToRgb(bytes) : bytes,
          width: frame.width,
          height: frame.height,
        };
      } catch (error) {
        return { kind: 'missing', message: describeError(error) };
      }
    });
  }

  validate(options: ScanOptions): PreviewProblem[] {
    const plotted = new Set(this.episode.series.map((series) => series.name));
    const limits = {
      fileBytes: fs.statSync(this.file.path).size,
      deadline: performance.now() + options.checkSeconds * 1000,
    };
    const checked = checkEpisode(this.file, options, limits)
      // NaN/Inf in a plotted array is already listed per frame range.
      .filter(
        (problem) =>
          !(problem.code === 'non-finite' && [...plotted].some((name) => problem.message.includes(`: ${name} has`))),
      )
      .map(({ severity, message }): PreviewProblem => ({ severity, message }));
    return [...checked, ...this.located];
  }

  close(): void {
    this.file.close();
  }
}

function toPreviewCamera(camera: CameraInfo, rawColorOrder: ColorOrder): PreviewCamera {
  const known = camera.width > 0 && camera.height > 0;
  return {
    ...(camera.encoding === 'raw' ? { colorOrder: rawColorOrder } : {}),
    name: camera.name,
    frames: camera.frames,
    width: known ? camera.width : FALLBACK_SIZE.width,
    height: known ? camera.height : FALLBACK_SIZE.height,
    encoding: camera.encoding,
  };
}

/** A camera with fewer frames than the episode shows nothing at the end: mark those frames on the scrubber. */
function shortCameraProblems(cameras: readonly CameraInfo[], frameCount: number): PreviewProblem[] {
  return cameras
    .filter((camera) => camera.frames < frameCount)
    .map((camera) => ({
      severity: 'warning',
      message: `${camera.name} has ${camera.frames} frames, the episode ${frameCount}: it shows no picture from frame ${camera.frames} on.`,
      frames: { first: camera.frames, last: frameCount - 1 },
    }));
}

/** A copy of interleaved 3-channel rows with the first and third channel exchanged. */
export function bgrToRgb(bytes: Uint8Array): Uint8Array {
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i + 2 < bytes.length; i += 3) {
    swapped[i] = bytes[i + 2]!;
    swapped[i + 1] = bytes[i + 1]!;
    swapped[i + 2] = bytes[i]!;
  }
  return swapped;
}

/**
 * Messages to the webview carry the whole buffer behind a typed array: a view into a larger buffer (a padded JPEG
 * row) is copied to its own so only the frame's bytes travel.
 */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
