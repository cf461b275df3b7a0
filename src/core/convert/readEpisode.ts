// Reads what conversion needs from one episode (length, rate, states, actions, task) or says why it cannot be used.
import * as path from 'node:path';
import { describeError } from '../errors';
import { EpisodeFile, Hdf5DatasetError } from '../hdf5';
import type { ConvertOptions } from './types';

export interface EpisodeData {
  /** Recorded frames: every view camera and the state array have this many. */
  readonly frames: number;
  readonly fps: number;
  /** One `stateDim`-wide row per recorded frame. */
  readonly states: number[][];
  /** The /action rows when the file has them at the state's width (upstream keeps actions beside the states). */
  readonly actions?: number[][];
  readonly task: string;
}

/** The episode cannot be converted; `reason` says why in words a summary can list. */
export class EpisodeNotConvertible extends Error {}

type ReadOptions = Pick<ConvertOptions, 'views' | 'stateArray' | 'stateDim' | 'task' | 'defaultFps'>;

export async function readEpisodeForConversion(file: string, options: ReadOptions): Promise<EpisodeData> {
  let episode: EpisodeFile;
  try {
    episode = await EpisodeFile.open(file);
  } catch (error) {
    throw new EpisodeNotConvertible(stripFileName(file, describeError(error)));
  }
  try {
    return readOpen(episode, options);
  } finally {
    episode.close();
  }
}

function readOpen(episode: EpisodeFile, options: ReadOptions): EpisodeData {
  const fail = (reason: string): never => {
    throw new EpisodeNotConvertible(reason);
  };
  const cameraNames = episode.cameras.map((camera) => camera.name);
  const missing = options.views.filter((view) => !cameraNames.includes(view));
  if (missing.length > 0) {
    fail(`camera ${missing.join(', ')} missing (views need ${options.views.join(', ')}; the file has ${cameraNames.join(', ') || 'none'})`);
  }
  const state = episode.arrays.find((array) => array.name === options.stateArray);
  if (!state) fail(`no ${options.stateArray} array for the robot state`);
  if (state!.shape.length !== 2 || state!.shape[1] !== options.stateDim) {
    fail(`${options.stateArray} has shape (${state!.shape.join(', ')}), not (frames, ${options.stateDim})`);
  }
  const needed = new Set([...options.views.map((view) => episode.camera(view).dataset), state!.dataset]);
  const broken = episode.issues.find((issue) => issue instanceof Hdf5DatasetError && needed.has(issue.dataset));
  if (broken) fail(stripFileName(episode.path, broken.message));

  const counts = [...options.views.map((view) => ({ name: view, frames: episode.camera(view).frames })), { name: options.stateArray, frames: state!.shape[0]! }];
  const action = episode.arrays.find((array) => array.name === 'action' && array.shape.length === 2 && array.shape[1] === options.stateDim);
  if (action && options.stateArray !== 'action') counts.push({ name: 'action', frames: action.shape[0]! });
  if (new Set(counts.map((count) => count.frames)).size > 1) {
    fail(`frame counts differ: ${counts.map((count) => `${count.name} ${count.frames}`).join(', ')}`);
  }
  const frames = counts[0]!.frames;
  if (frames === 0) fail('no frames');

  let states: number[][] = [];
  let actions: number[][] | undefined;
  try {
    states = episode.readArrayRows(options.stateArray);
    actions = action ? episode.readArrayRows('action') : undefined;
  } catch (error) {
    fail(stripFileName(episode.path, describeError(error)));
  }
  for (const [name, rows] of [[options.stateArray, states], ['action', actions]] as const) {
    const bad = rows?.findIndex((row) => row.some((value) => !Number.isFinite(value))) ?? -1;
    if (bad >= 0) fail(`${name} has NaN or Inf values (first at frame ${bad})`);
  }
  const attributeTask = episode.attributes.task;
  return {
    frames,
    fps: episode.fps ?? options.defaultFps,
    states,
    actions,
    task: options.task.trim() || (typeof attributeTask === 'string' ? attributeTask.trim() : ''),
  };
}

/** Reader messages start with the file's name; the summary already names the file. */
function stripFileName(file: string, message: string): string {
  const name = path.basename(file);
  let text = message;
  if (message.startsWith(`${name}:`)) text = message.slice(name.length + 1).trim();
  else if (message.startsWith(`${name} `)) text = `the file${message.slice(name.length)}`;
  return text.replace(/\.$/, '');
}
