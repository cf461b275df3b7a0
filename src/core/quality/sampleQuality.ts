// How good a validation video's predictions are. Upstream's validate_video_generation writes each frame as a grid:
// top row ground truth, bottom row the model's video (its first num_history frames are the ground-truth history),
// columns = validation samples x 3 views, each tile height x width. The video is decoded to luma by ffmpeg one frame
// at a time (never whole), and every predicted tile is scored against the tile above it.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { CancelledError, UserFacingError } from '../errors';
import { ffprobeFor, FfmpegMissingError, type MediaTools } from '../media/playable';
import { psnr, ssim, type LumaTile } from './metrics';

export const VIEWS_PER_SAMPLE = 3;

export interface QualityLayout {
  /** One view's tile, as the config's height and width. */
  readonly height: number;
  readonly width: number;
  /** Leading frames of the bottom row that are ground truth (num_history), not predictions. */
  readonly history: number;
}

export interface Score {
  /** Mean PSNR in dB over the tiles it covers (tiles identical to their truth count as Infinity, left out of means). */
  readonly psnr: number;
  readonly ssim: number;
}

export interface SampleQuality extends Score {
  readonly file: string;
  readonly step?: number;
  readonly id?: number;
  /** Views 0, 1, 2 over every sample and predicted frame. */
  readonly perView: Score[];
  /** Each validation sample (column group) over its views and predicted frames. */
  readonly perSample: Score[];
  /** Predicted frame 1, 2, … (the prediction horizon) over every tile. */
  readonly perHorizon: Score[];
  /** The predicted tile with the lowest SSIM: its frame index in the video and its column. */
  readonly worst: { readonly frame: number; readonly column: number; readonly ssim: number };
}

/** Scores a validation video; `signal` stops ffmpeg. */
export async function sampleQuality(
  file: string,
  layout: QualityLayout,
  tools: MediaTools,
  signal?: AbortSignal,
): Promise<SampleQuality> {
  const { width, height } = await frameSize(file, tools, signal);
  if (height !== 2 * layout.height || width % layout.width !== 0) {
    throw new UserFacingError(
      `${path.basename(file)} is ${width}x${height}: with tiles of ${layout.width}x${layout.height} (the config's width and height) a validation video is ${2 * layout.height} tall and a multiple of ${layout.width} wide.`,
      'Give the height and width of the config the run trained with.',
      'quality-layout',
    );
  }
  const columns = width / layout.width;
  const tiles: Array<{ frame: number; column: number; score: Score }> = [];
  let frames = 0;
  await decodeLuma(file, width, height, tools, signal, (data, frame) => {
    frames = frame + 1;
    if (frame < layout.history) return;
    for (let column = 0; column < columns; column++) {
      const truth: LumaTile = {
        data,
        offset: column * layout.width,
        stride: width,
        width: layout.width,
        height: layout.height,
      };
      const predicted: LumaTile = { ...truth, offset: layout.height * width + column * layout.width };
      tiles.push({ frame, column, score: { psnr: psnr(predicted, truth), ssim: ssim(predicted, truth) } });
    }
  });
  if (tiles.length === 0) {
    throw new UserFacingError(
      `${path.basename(file)} has ${frames} frame${frames === 1 ? '' : 's'}, none after the ${layout.history} history frames: nothing was predicted.`,
      "Check num_history against the run's config.",
      'quality-no-predictions',
    );
  }
  const name = /train_steps_(\d+)_(\d+)\.mp4$/.exec(path.basename(file));
  const group = (key: (tile: (typeof tiles)[number]) => number, count: number) =>
    Array.from({ length: count }, (_, index) =>
      meanScore(tiles.filter((tile) => key(tile) === index).map((tile) => tile.score)),
    );
  const worst = tiles.reduce((low, tile) => (tile.score.ssim < low.score.ssim ? tile : low));
  return {
    file,
    ...(name ? { step: Number(name[1]), id: Number(name[2]) } : {}),
    ...meanScore(tiles.map((tile) => tile.score)),
    perView: group((tile) => tile.column % VIEWS_PER_SAMPLE, VIEWS_PER_SAMPLE),
    perSample: group((tile) => Math.floor(tile.column / VIEWS_PER_SAMPLE), Math.ceil(columns / VIEWS_PER_SAMPLE)),
    perHorizon: group((tile) => tile.frame - layout.history, frames - layout.history),
    worst: { frame: worst.frame, column: worst.column, ssim: worst.score.ssim },
  };
}

/** The mean of scores: PSNR over the finite ones (Infinity when none is), SSIM over all (NaN when empty). */
export function meanScore(scores: readonly Score[]): Score {
  const finite = scores.map((score) => score.psnr).filter(Number.isFinite);
  return {
    psnr: finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Infinity,
    ssim: scores.length > 0 ? scores.reduce((a, score) => a + score.ssim, 0) / scores.length : NaN,
  };
}

function frameSize(file: string, tools: MediaTools, signal?: AbortSignal): Promise<{ width: number; height: number }> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0:s=x',
    file,
  ];
  return collect(ffprobeFor(tools), args, signal).then((out) => {
    const match = /^(\d+)x(\d+)/.exec(out.toString().trim());
    if (!match) throw new UserFacingError(`${path.basename(file)} has no video stream.`, undefined, 'quality-no-video');
    return { width: Number(match[1]), height: Number(match[2]) };
  });
}

/** ffmpeg's raw 8-bit luma, handed over one whole frame at a time (the buffer is reused). */
function decodeLuma(
  file: string,
  width: number,
  height: number,
  tools: MediaTools,
  signal: AbortSignal | undefined,
  onFrame: (data: Uint8Array, index: number) => void,
): Promise<void> {
  const size = width * height;
  const frame = new Uint8Array(size);
  let filled = 0;
  let index = 0;
  return run(
    tools.ffmpeg,
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    signal,
    (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(size - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === size) {
          onFrame(frame, index++);
          filled = 0;
        }
      }
    },
  );
}

function collect(program: string, args: string[], signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return run(program, args, signal, (chunk) => chunks.push(chunk)).then(() => Buffer.concat(chunks));
}

function run(
  program: string,
  args: string[],
  signal: AbortSignal | undefined,
  onData: (chunk: Buffer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        onData(chunk);
      } catch (error) {
        child.kill();
        reject(error);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (signal?.aborted) reject(new CancelledError());
      else reject(error.code === 'ENOENT' ? new FfmpegMissingError(program) : error);
    });
    child.on('close', (code) => {
      if (signal?.aborted) return reject(new CancelledError());
      if (code === 0) return resolve();
      reject(
        new UserFacingError(
          `${path.basename(program)} could not read the video: ${stderr.trim().split('\n').pop() ?? `exit status ${code}`}`,
          undefined,
          'ffmpeg-failed',
        ),
      );
    });
  });
}
