// Settles the pose and gripper arrays of a whole dataset once, from its first readable episode, so that every
// annotation means the same thing; each episode is then checked against that choice when it is read.
import * as path from 'node:path';
import { describeError, UserFacingError } from '../errors';
import { EpisodeFile } from '../hdf5';
import { jointsWarning, resolveStateChoice, StateChoiceError, type StateChoice } from './stateSource';
import type { ConvertOptions } from './types';

/** Files named in the error when none opens. */
const SHOWN = 5;

export interface ArrayChoice {
  readonly choice: StateChoice;
  readonly warnings: string[];
}

export async function chooseArrays(
  files: readonly string[],
  options: Pick<ConvertOptions, 'pose' | 'gripper' | 'stateDim'>,
): Promise<ArrayChoice> {
  let firstFailure = '';
  for (const file of files) {
    let episode: EpisodeFile;
    try {
      episode = await EpisodeFile.open(file);
    } catch (error) {
      firstFailure ||= describeError(error);
      continue;
    }
    try {
      const choice = resolveStateChoice(episode.arrays, options.pose, options.gripper, options.stateDim);
      return { choice, warnings: choice.pose.format === 'joints' ? [`${jointsWarning(choice.pose.array)}.`] : [] };
    } catch (error) {
      if (error instanceof StateChoiceError) {
        throw new UserFacingError(`${path.basename(file)}: ${error.message}`, error.hint, 'state-arrays');
      }
      throw error;
    } finally {
      episode.close();
    }
  }
  const shown =
    files
      .slice(0, SHOWN)
      .map((file) => path.basename(file))
      .join(', ') + (files.length > SHOWN ? ', …' : '');
  throw new UserFacingError(
    `None of ${shown} opens, so the pose and gripper arrays cannot be checked (${firstFailure.replace(/\.$/, '')}).`,
    'Fix or remove those files (the Datasets view lists what is wrong with them).',
    'state-arrays',
  );
}
