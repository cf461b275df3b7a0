// Checks conversion options before any file is read, with messages that name the option and a valid value.
import { UserFacingError } from '../errors';
import { strideProblem } from './annotation';
import type { ConvertOptions } from './types';

export class ConvertOptionsError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, hint, 'convert-options');
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkConvertOptions(options: ConvertOptions): void {
  if (!NAME.test(options.name)) {
    throw new ConvertOptionsError(
      `"${options.name}" cannot be a dataset name.`,
      'Use letters, digits, ".", "_" or "-", e.g. flexiv_1113 (it becomes a folder name and the config\'s dataset_names).',
    );
  }
  const { split } = options;
  if (split.kind === 'ratio' && !(split.ratio >= 0 && split.ratio < 1)) {
    throw new ConvertOptionsError(
      `The validation ratio ${split.ratio} is outside 0–1.`,
      'Use e.g. 0.1 for one episode in ten.',
    );
  }
  if (split.kind === 'ratio' && !Number.isInteger(split.seed))
    throw new ConvertOptionsError(`The seed ${split.seed} is not a whole number.`, 'Use e.g. 0.');
  if (split.kind === 'every' && !(Number.isInteger(split.k) && split.k >= 2)) {
    throw new ConvertOptionsError(
      `"Every k-th episode" needs k of 2 or more, not ${split.k}.`,
      'Use e.g. 10 for every tenth episode.',
    );
  }
  if (options.views.length === 0 || new Set(options.views).size !== options.views.length) {
    throw new ConvertOptionsError(
      `The views (${options.views.join(', ') || 'none'}) must name distinct cameras.`,
      'Map each view to its own camera, e.g. cam_high, cam_left_wrist, cam_right_wrist.',
    );
  }
  for (const [name, value] of [
    ['down_sample', options.downSample],
    ['num_frames', options.numFrames],
    ['start interval', options.startInterval],
    ['state width', options.stateDim],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new ConvertOptionsError(
        `${name} must be a whole number from 1, not ${value}.`,
        'Check the training config and the conversion settings.',
      );
  }
  for (const [name, value, factor] of [
    ['width', options.width, 8],
    ['height', options.height, 8],
  ] as const) {
    if (!(Number.isInteger(value) && value >= factor && value % factor === 0)) {
      throw new ConvertOptionsError(
        `The frame ${name} ${value} is not a positive multiple of ${factor}.`,
        'The VAE reduces frames by 8: use e.g. 320x192.',
      );
    }
  }
  if (!(options.targetFps > 0))
    throw new ConvertOptionsError(`The target rate ${options.targetFps} Hz is not positive.`, 'Use e.g. 5 Hz.');
  if (options.stride !== undefined) {
    const problem = strideProblem(options.stride, options.downSample);
    if (problem)
      throw new ConvertOptionsError(
        `The frame stride cannot be used: ${problem}.`,
        'Pick another stride, or leave it to be derived from the recording rate.',
      );
  }
}
