// `scan`, `validate` and `frame`: the dataset browser's core from a terminal.
import * as path from 'node:path';
import { DatasetScanner, toScanJson, DEFAULT_SCAN_OPTIONS, type ScanOptions, type ScanResult } from '../core/dataset';
import { EpisodeFile } from '../core/hdf5';
import { printable } from '../core/format';
import {
  printJson,
  requirePositional,
  stringOption,
  UsageError,
  type CliCommand,
  type CliIo,
  type ParsedArgs,
} from './framework';
import { progressLine } from './progress';

const SCAN_OPTIONS = {
  fps: { type: 'string' },
  'action-dim': { type: 'string' },
  samples: { type: 'string' },
  'check-seconds': { type: 'string' },
  jobs: { type: 'string' },
} as const;

const SCAN_OPTIONS_USAGE = '[--fps N] [--action-dim N] [--samples N] [--check-seconds S] [--jobs N]';

function wholeNumber(args: ParsedArgs, name: string, fallback: number, minimum = 1): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum)
    throw new UsageError(`--${name} must be a whole number from ${minimum}, not "${text}"`);
  return value;
}

function positiveSeconds(args: ParsedArgs, name: string, fallback: number): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0 && value <= 600)) throw new UsageError(`--${name} must be seconds from 0 to 600, not "${text}"`);
  return value;
}

function scanOptions(args: ParsedArgs): ScanOptions {
  return {
    defaultFps: wholeNumber(args, 'fps', DEFAULT_SCAN_OPTIONS.defaultFps),
    actionDim: wholeNumber(args, 'action-dim', DEFAULT_SCAN_OPTIONS.actionDim),
    jpegSampleFrames: wholeNumber(args, 'samples', DEFAULT_SCAN_OPTIONS.jpegSampleFrames),
    checkSeconds: positiveSeconds(args, 'check-seconds', DEFAULT_SCAN_OPTIONS.checkSeconds),
  };
}

async function scanFolder(args: ParsedArgs, io: CliIo): Promise<ScanResult> {
  const root = path.resolve(requirePositional(args, 0, 'the dataset folder'));
  // --jobs: threads reading files at once, this one included (0 or 1: this one only); by default one per idle core, up
  // to 4.
  const jobs = stringOption(args, 'jobs') === undefined ? undefined : wholeNumber(args, 'jobs', 0, 0);
  const progress = progressLine(io, args, 'scan');
  try {
    return await new DatasetScanner(scanOptions(args), { maxWorkers: jobs, callerReads: true }).scan(root, {
      onProgress: progress.update,
    });
  } finally {
    progress.finish();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'List the HDF5 episodes of a folder with their cameras, arrays and problems.',
  usage: `scan <dir> [--json] ${SCAN_OPTIONS_USAGE}`,
  options: SCAN_OPTIONS,
  async run(args, io) {
    const result = await scanFolder(args, io);
    if (args.values.json) {
      printJson(io, toScanJson(result));
      return 0;
    }
    for (const episode of result.episodes) {
      const cameras =
        episode.cameras
          .map((camera) => `${camera.name} ${camera.height}x${camera.width} ${camera.encoding}`)
          .join(', ') || 'no cameras';
      const status =
        episode.problems.length === 0
          ? 'ok'
          : `${episode.problems.length} problem${episode.problems.length > 1 ? 's' : ''}`;
      io.out(
        `${printable(episode.file)}  ${episode.frames} frames  ${megabytes(episode.sizeBytes)}  ${cameras}  [${status}]`,
      );
    }
    const { episodes, frames, errors, warnings } = result.summary;
    io.out(`${episodes} episodes, ${frames} frames, ${errors} errors, ${warnings} warnings in ${result.root}`);
    return 0;
  },
};

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check the HDF5 episodes of a folder; exit 1 when any has an error.',
  usage: `validate <dir> [--json] ${SCAN_OPTIONS_USAGE}`,
  options: SCAN_OPTIONS,
  async run(args, io) {
    const result = await scanFolder(args, io);
    const problems = result.episodes.flatMap((episode) =>
      episode.problems.map((problem) => ({ file: episode.file, ...problem })),
    );
    if (args.values.json) {
      printJson(io, { root: result.root, problems, summary: result.summary });
    } else {
      // One line per problem whatever the file is called: a newline in a name would forge a line of its own.
      for (const problem of problems)
        io.out(`${problem.severity.padEnd(7)} ${problem.code.padEnd(20)} ${printable(problem.message)}`);
      const { episodes, errors, warnings } = result.summary;
      io.out(`${episodes} episodes checked: ${errors} errors, ${warnings} warnings.`);
    }
    return result.summary.errors > 0 ? 1 : 0;
  },
};

const EXTENSIONS = { jpeg: ['.jpg', '.jpeg'], raw: ['.png'] } as const;

export const frameCommand: CliCommand = {
  name: 'frame',
  summary: 'Write one camera frame as stored: JPEG bytes (.jpg), or a PNG for raw frames.',
  usage: 'frame <file> <camera> <index> --out <path> [--json]',
  options: { out: { type: 'string' } },
  async run(args, io) {
    const file = requirePositional(args, 0, 'the episode file');
    const camera = requirePositional(args, 1, 'the camera name');
    const indexText = requirePositional(args, 2, 'the frame index');
    const index = Number(indexText);
    if (!/^\d+$/.test(indexText))
      throw new UsageError(`the frame index must be a whole number from 0, not "${indexText}"`);
    const outOption = stringOption(args, 'out');
    if (!outOption) throw new UsageError('missing --out <path>');
    const episode = await EpisodeFile.open(file);
    try {
      const frame = episode.readFrame(camera, index);
      let out = path.resolve(outOption);
      const extension = path.extname(out).toLowerCase();
      if (!extension) out += EXTENSIONS[frame.encoding][0];
      else if (!(EXTENSIONS[frame.encoding] as readonly string[]).includes(extension)) {
        throw new UsageError(
          `frame ${index} of ${camera} is stored as ${frame.encoding === 'jpeg' ? 'JPEG' : 'raw pixels'}: give --out a ${EXTENSIONS[frame.encoding].join(' or ')} name`,
        );
      }
      // Loaded here, not with the module: `scan` and `validate` share this bundle and need neither (nor zlib, crypto).
      const [{ encodePng }, { writeFileAtomic }] = await Promise.all([
        import('../core/image/png.js'),
        import('../core/atomicWrite.js'),
      ]);
      const bytes = frame.encoding === 'jpeg' ? frame.bytes : encodePng(frame.bytes, frame.width, frame.height);
      await writeFileAtomic(out, bytes);
      if (args.values.json)
        printJson(io, {
          file: path.resolve(file),
          camera,
          index,
          encoding: frame.encoding,
          width: frame.width,
          height: frame.height,
          out,
          bytes: bytes.length,
        });
      else
        io.out(
          `Wrote ${out} (${frame.encoding === 'jpeg' ? 'JPEG' : 'PNG'}, ${frame.width}x${frame.height}, ${bytes.length} bytes).`,
        );
      return 0;
    } finally {
      episode.close();
    }
  },
};
