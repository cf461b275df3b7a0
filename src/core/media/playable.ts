// Makes a video play in a VS Code webview, whose Chromium has H.264 but no AAC and no 4:4:4 or 10-bit H.264:
// ffprobe looks at the streams, and ffmpeg on this machine (never on the GPU host) converts what would not play.
import { execFile } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, UserFacingError } from '../errors';

export interface MediaTools {
  /** The ffmpeg program (ctrlWorld.ffmpegPath); ffprobe is looked for beside it. */
  readonly ffmpeg: string;
}

export interface StreamInfo {
  readonly codecType: string;
  readonly codecName: string;
  readonly pixFmt?: string;
}

export class FfmpegMissingError extends UserFacingError {
  constructor(program: string) {
    super(
      `${program} was not found on this machine.`,
      'Install ffmpeg (it converts videos that VS Code cannot play) or set ctrlWorld.ffmpegPath to where it is.',
      'no-ffmpeg',
    );
  }
}

export function ffprobeFor(tools: MediaTools): string {
  const dir = path.dirname(tools.ffmpeg);
  const name = path.basename(tools.ffmpeg).replace(/ffmpeg/, 'ffprobe');
  return dir === '.' && !tools.ffmpeg.includes('/') ? name : path.join(dir, name);
}

function run(program: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { maxBuffer: 4 * 1024 * 1024, timeout: 10 * 60_000, signal }, (error, stdout, stderr) => {
      if (signal?.aborted) return reject(new CancelledError());
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new FfmpegMissingError(program));
      if (error)
        return reject(
          new UserFacingError(
            `${path.basename(program)} failed: ${stderr.trim().split('\n').pop() ?? error.message}`,
            undefined,
            'ffmpeg-failed',
          ),
        );
      resolve(stdout);
    });
  });
}

export async function probeStreams(file: string, tools: MediaTools, signal?: AbortSignal): Promise<StreamInfo[]> {
  const output = await run(
    ffprobeFor(tools),
    ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,pix_fmt', '-of', 'json', file],
    signal,
  );
  const streams =
    (JSON.parse(output) as { streams?: Array<{ codec_type?: string; codec_name?: string; pix_fmt?: string }> })
      .streams ?? [];
  return streams.map((s) => ({
    codecType: s.codec_type ?? '',
    codecName: s.codec_name ?? '',
    ...(s.pix_fmt ? { pixFmt: s.pix_fmt } : {}),
  }));
}

/** H.264 in 8-bit 4:2:0 and no audio track a webview cannot decode. */
export function playsInWebview(streams: readonly StreamInfo[]): boolean {
  const video = streams.filter((s) => s.codecType === 'video');
  const audio = streams.filter((s) => s.codecType === 'audio');
  const videoOk =
    video.length > 0 &&
    video.every((s) => s.codecName === 'h264' && (s.pixFmt === 'yuv420p' || s.pixFmt === 'yuvj420p'));
  return videoOk && audio.every((s) => s.codecName === 'opus' || s.codecName === 'vorbis' || s.codecName === 'mp3');
}

/** Converts `file` in place (through a temporary file) to H.264 yuv420p without audio. */
export async function transcodeForWebview(file: string, tools: MediaTools, signal?: AbortSignal): Promise<void> {
  const tmp = `${file}.converting.mp4`;
  try {
    await run(
      tools.ffmpeg,
      [
        '-v',
        'error',
        '-y',
        '-i',
        file,
        '-map',
        '0:v:0',
        '-an',
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        // 4:2:0 needs even dimensions.
        '-vf',
        'scale=trunc(iw/2)*2:trunc(ih/2)*2',
        '-movflags',
        '+faststart',
        tmp,
      ],
      signal,
    );
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Leaves a playable file as it is and converts one that is not. Without ffprobe the file is left alone ('unknown'):
 * the webview reports a video that fails, and `transcodeForWebview` is tried then.
 */
export async function ensurePlayable(
  file: string,
  tools: MediaTools,
  signal?: AbortSignal,
): Promise<'playable' | 'converted' | 'unknown'> {
  let streams: StreamInfo[];
  try {
    streams = await probeStreams(file, tools, signal);
  } catch (error) {
    if (error instanceof FfmpegMissingError) return 'unknown';
    throw error;
  }
  if (playsInWebview(streams)) return 'playable';
  await transcodeForWebview(file, tools, signal);
  return 'converted';
}
