// `convert` and `check-converted`: the conversion to Ctrl-World's training layout, and its checks, from a terminal.
import * as path from 'node:path';
import {
  COLOR_ORDERS,
  convertDataset,
  DEFAULT_CONVERT_OPTIONS,
  describeStateChoice,
  parseGripperChoice,
  parsePoseChoice,
  POSE_FORMATS,
  StateChoiceError,
  type ColorOrder,
  type ConvertOptions,
  type PoseFormat,
  type SplitRule,
} from '../core/convert';
import { checkConverted } from '../core/convert/check';
import { printable } from '../core/format';
import { progressLine } from './progress';
import {
  numberOption,
  printJson,
  requirePositional,
  stringOption,
  UsageError,
  whole,
  type CliCommand,
  type ParsedArgs,
} from './framework';

function splitRule(args: ParsedArgs): SplitRule {
  if (stringOption(args, 'val-every') !== undefined) {
    if (stringOption(args, 'val-ratio') !== undefined)
      throw new UsageError('give --val-ratio or --val-every, not both');
    return { kind: 'every', k: numberOption(args, 'val-every', 10, whole(2), 'a whole number from 2') };
  }
  const defaults = DEFAULT_CONVERT_OPTIONS.split as Extract<SplitRule, { kind: 'ratio' }>;
  return {
    kind: 'ratio',
    ratio: numberOption(
      args,
      'val-ratio',
      defaults.ratio,
      (value) => value >= 0 && value < 1,
      'a number from 0 up to 1',
    ),
    seed: numberOption(args, 'seed', defaults.seed, whole(0), 'a whole number from 0'),
  };
}

function convertOptions(args: ParsedArgs, name: string): ConvertOptions {
  const d = DEFAULT_CONVERT_OPTIONS;
  const views = stringOption(args, 'views');
  const stride = stringOption(args, 'stride');
  return {
    ...d,
    name,
    split: splitRule(args),
    views: views
      ? views
          .split(',')
          .map((view) => view.trim())
          .filter(Boolean)
      : d.views,
    stride: stride === undefined ? undefined : numberOption(args, 'stride', 1, whole(1), 'a whole number from 1'),
    targetFps: numberOption(args, 'target-fps', d.targetFps, (value) => value > 0, 'a positive number'),
    downSample: numberOption(args, 'down-sample', d.downSample, whole(1), 'a whole number from 1'),
    numFrames: numberOption(args, 'num-frames', d.numFrames, whole(1), 'a whole number from 1'),
    width: numberOption(args, 'width', d.width, whole(8), 'a whole number from 8'),
    height: numberOption(args, 'height', d.height, whole(8), 'a whole number from 8'),
    ...stateOptions(args),
    task: stringOption(args, 'task') ?? d.task,
    defaultFps: numberOption(args, 'fps', d.defaultFps, (value) => value > 0, 'a positive number'),
  };
}

function choiceOf<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${name} must be ${allowed.join(', ')}, not "${text}"`);
  return text as T;
}

/**
 * --pose NAME [--pose-format F] and --gripper NAME[COLUMN]: upstream's action condition; --color-order for raw frames.
 */
function stateOptions(args: ParsedArgs): Pick<ConvertOptions, 'pose' | 'gripper' | 'rawColorOrder'> {
  if (stringOption(args, 'state') !== undefined) {
    throw new UsageError(
      '--state is gone: name the end-effector pose with --pose (e.g. tcp_pose) and the gripper with --gripper; ' +
        'for joint angles pass --pose qpos --pose-format joints',
    );
  }
  const format = choiceOf<PoseFormat | 'auto'>(args, 'pose-format', [...POSE_FORMATS, 'auto'], 'auto');
  try {
    return {
      pose: parsePoseChoice(stringOption(args, 'pose') ?? '', format),
      gripper: parseGripperChoice(stringOption(args, 'gripper') ?? ''),
      rawColorOrder: choiceOf<ColorOrder>(args, 'color-order', COLOR_ORDERS, DEFAULT_CONVERT_OPTIONS.rawColorOrder),
    };
  } catch (error) {
    if (error instanceof StateChoiceError) throw new UsageError(`${error.message} ${error.hint}`);
    throw error;
  }
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'Convert a folder of HDF5 episodes to Ctrl-World annotations, stat.json and sample lists (--meta-only).',
  usage:
    'convert <hdf5-dir> --out <root> --name <dataset> [--meta <meta-root>] [--val-ratio 0.1] [--seed 0 | --val-every K] ' +
    '[--stride N] [--target-fps 5] [--down-sample 3] [--num-frames 5] [--views cam_high,cam_left_wrist,cam_right_wrist] ' +
    '[--pose tcp_pose] [--pose-format auto|euler|quat-wxyz|quat-xyzw|joints] [--gripper gripper_width|action[6]] ' +
    '[--color-order rgb|bgr] [--task TEXT] [--fps 30] [--width 320] [--height 192] [--replace] --meta-only [--json]',
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
    meta: { type: 'string' },
    'val-ratio': { type: 'string' },
    seed: { type: 'string' },
    'val-every': { type: 'string' },
    stride: { type: 'string' },
    'target-fps': { type: 'string' },
    'down-sample': { type: 'string' },
    'num-frames': { type: 'string' },
    views: { type: 'string' },
    state: { type: 'string' },
    pose: { type: 'string' },
    'pose-format': { type: 'string' },
    gripper: { type: 'string' },
    'color-order': { type: 'string' },
    task: { type: 'string' },
    fps: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    'meta-only': { type: 'boolean' },
    replace: { type: 'boolean' },
  },
  async run(args, io) {
    const input = requirePositional(args, 0, 'the folder of HDF5 episodes');
    const out = stringOption(args, 'out');
    const name = stringOption(args, 'name');
    if (!out) throw new UsageError("missing --out <root> (the dataset root, the config's dataset_root_path)");
    if (!name) throw new UsageError("missing --name <dataset> (the config's dataset_names, e.g. flexiv_1113)");
    if (!args.values['meta-only']) {
      throw new UsageError(
        'latents are encoded on a GPU host: pass --meta-only here, then run remote-kit/encode_latents.py there (or use "Convert Dataset" in VS Code)',
      );
    }
    const progress = progressLine(io, args, 'convert');
    const summary = await convertDataset({
      input,
      outRoot: out,
      metaRoot: stringOption(args, 'meta'),
      options: convertOptions(args, name),
      replace: args.values.replace === true,
      onProgress: progress.update,
    }).finally(progress.finish);
    // On stderr, so that --json keeps stdout to its documented keys.
    for (const warning of summary.warnings) io.err(`warning: ${warning}`);
    if (args.values.json) {
      printJson(io, {
        episodes: summary.episodes,
        train: summary.train,
        val: summary.val,
        skipped: summary.skipped.map(({ file, reason }) => ({ file, reason })),
      });
      return 0;
    }
    io.out(`States: ${describeStateChoice(summary.choice)}.`);
    io.out(
      `${summary.episodes} episodes converted (${summary.train} train, ${summary.val} val), ${summary.frames} video frames, ` +
        `${summary.trainSamples} train and ${summary.valSamples} val samples; ${summary.written} annotations written, ${summary.reused} already done.`,
    );
    for (const entry of summary.skipped) io.out(`skipped ${printable(entry.file)}: ${printable(entry.reason)}`);
    io.out(`Dataset: ${summary.datasetDir}\nMeta:    ${summary.metaDir}`);
    return 0;
  },
};

export const checkConvertedCommand: CliCommand = {
  name: 'check-converted',
  summary: 'Check a converted dataset against what train_wm.py reads; exit 1 when any error is found.',
  usage:
    'check-converted <root> --name <dataset> --meta <meta-root> [--cfg <dataset_cfg>] [--num-frames 5] [--video-num N] [--json]',
  options: {
    name: { type: 'string' },
    meta: { type: 'string' },
    cfg: { type: 'string' },
    'num-frames': { type: 'string' },
    'video-num': { type: 'string' },
  },
  async run(args, io) {
    const root = path.resolve(requirePositional(args, 0, 'the dataset root'));
    const name = stringOption(args, 'name');
    const meta = stringOption(args, 'meta');
    if (!name) throw new UsageError('missing --name <dataset>');
    if (!meta) throw new UsageError('missing --meta <meta-root>');
    const videoNum = stringOption(args, 'video-num');
    const report = await checkConverted({
      root,
      name,
      metaRoot: path.resolve(meta),
      cfg: stringOption(args, 'cfg') ?? name,
      numFrames: numberOption(args, 'num-frames', DEFAULT_CONVERT_OPTIONS.numFrames, whole(1), 'a whole number from 1'),
      videoNum:
        videoNum === undefined ? undefined : numberOption(args, 'video-num', 0, whole(0), 'a whole number from 0'),
    });
    if (args.values.json) printJson(io, { problems: report.problems });
    else {
      for (const problem of report.problems)
        io.out(`${problem.severity.padEnd(7)} ${problem.code.padEnd(22)} ${printable(problem.message)}`);
      io.out(
        `${report.layout} layout, ${report.episodes.length} episodes: ${report.problems.filter((p) => p.severity === 'error').length} errors, ${report.problems.filter((p) => p.severity === 'warning').length} warnings.`,
      );
    }
    return report.problems.some((problem) => problem.severity === 'error') ? 1 : 0;
  },
};
