// Reads what conversion needs from one episode (length, rate, pose and gripper, joints, task) or says why it cannot
// be used.
import * as path from 'node:path';
import { describeError } from '../errors';
import { EpisodeFile, Hdf5DatasetError, type ArrayInfo } from '../hdf5';
import { poseRow } from './poseRows';
import { poseColumnsRead, type PoseFormat, type StateChoice } from './stateSource';
import type { ConvertOptions } from './types';

export interface EpisodeData {
  /** Recorded frames: every view camera and the chosen arrays have this many. */
  readonly frames: number;
  readonly fps: number;
  /** Per recorded frame: the pose as upstream's 6 numbers (x, y, z, roll, pitch, yaw), then the gripper. */
  readonly states: number[][];
  /** /observations/qpos when it has a row per frame: upstream keeps the joint angles beside the pose. */
  readonly joints?: number[][];
  readonly task: string;
}

/** The episode cannot be converted; `reason` says why in words a summary can list. */
export class EpisodeNotConvertible extends Error {}

export type ReadOptions = Pick<ConvertOptions, 'views' | 'stateDim' | 'task' | 'defaultFps'> & {
  readonly choice: StateChoice;
};

/** The array upstream's joint_position comes from, when the episode has it. */
const JOINT_ARRAY = 'qpos';

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
    fail(
      `camera ${missing.join(', ')} missing (views need ${options.views.join(', ')}; the file has ${cameraNames.join(', ') || 'none'})`,
    );
  }
  const { pose, gripper } = options.choice;
  const poseInfo =
    episode.arrays.find((array) => array.name === pose.array) ??
    fail(`no ${pose.array} array for the end-effector pose`);
  const poseProblem = poseShapeProblem(poseInfo, pose.format, options.stateDim);
  if (poseProblem) fail(poseProblem);
  const gripperInfo =
    episode.arrays.find((array) => array.name === gripper.array) ?? fail(`no ${gripper.array} array for the gripper`);
  const gripperColumn =
    gripperColumnOf(gripperInfo, gripper.column) ?? fail(gripperShapeProblem(gripperInfo, gripper.column));
  const joints = episode.arrays.find((array) => array.name === JOINT_ARRAY && array.shape.length === 2);
  const used = [poseInfo, gripperInfo, ...(joints ? [joints] : [])];
  const needed = new Set([
    ...options.views.map((view) => episode.camera(view).dataset),
    ...used.map((array) => array.dataset),
  ]);
  const broken = episode.issues.find((issue) => issue instanceof Hdf5DatasetError && needed.has(issue.dataset));
  if (broken) fail(stripFileName(episode.path, broken.message));

  const counts = [
    ...options.views.map((view) => ({ name: view, frames: episode.camera(view).frames })),
    ...[...new Set(used)].map((array) => ({ name: array.name, frames: array.shape[0]! })),
  ];
  if (new Set(counts.map((count) => count.frames)).size > 1) {
    fail(`frame counts differ: ${counts.map((count) => `${count.name} ${count.frames}`).join(', ')}`);
  }
  const frames = counts[0]!.frames;
  if (frames === 0) fail('no frames');

  let poseRows: number[][] = [];
  let gripperRows: number[][] = [];
  let jointRows: number[][] | undefined;
  try {
    poseRows = episode.readArrayRows(pose.array);
    gripperRows = gripper.array === pose.array ? poseRows : episode.readArrayRows(gripper.array);
    jointRows = joints ? episode.readArrayRows(JOINT_ARRAY) : undefined;
  } catch (error) {
    fail(stripFileName(episode.path, describeError(error)));
  }
  const jointColumns = poseColumnsRead('joints', options.stateDim);
  const states = poseRows.map((row, frame) => [
    ...poseRow(row, pose.format, jointColumns),
    gripperRows[frame]![gripperColumn]!,
  ]);
  const gripperAt = states[0]?.length ?? 0;
  for (const [name, rows] of [
    [pose.array, states.map((row) => row.slice(0, -1))],
    [gripper.array, states.map((row) => row.slice(gripperAt - 1))],
    [JOINT_ARRAY, jointRows],
  ] as const) {
    const bad = rows?.findIndex((row) => row.some((value) => !Number.isFinite(value))) ?? -1;
    if (bad >= 0) fail(`${name} has NaN or Inf values (first at frame ${bad})`);
  }
  const attributeTask = episode.attributes.task;
  return {
    frames,
    fps: episode.fps ?? options.defaultFps,
    states,
    joints: jointRows,
    task: options.task.trim() || (typeof attributeTask === 'string' ? attributeTask.trim() : ''),
  };
}

/** Why the pose array cannot give this format's columns, naming the dataset; undefined when it can. */
export function poseShapeProblem(array: ArrayInfo, format: PoseFormat, stateDim: number): string | undefined {
  const needed = poseColumnsRead(format, stateDim);
  if (array.shape.length === 2 && array.shape[1]! >= needed) return undefined;
  const what = {
    euler: 'x, y, z, roll, pitch, yaw',
    'quat-wxyz': 'x, y, z, qw, qx, qy, qz',
    'quat-xyzw': 'x, y, z, qx, qy, qz, qw',
    joints: 'joint angles',
  }[format];
  return `${array.dataset} has shape (${array.shape.join(', ')}), not (frames, ${needed}) for a ${format} pose (${what})`;
}

/** The column index the gripper is read from, or undefined when the array has no such column. */
function gripperColumnOf(array: ArrayInfo, column: number | undefined): number | undefined {
  const width = array.shape.length === 1 ? 1 : array.shape.length === 2 ? array.shape[1]! : 0;
  if (column === undefined) return width === 1 ? 0 : undefined;
  const index = column < 0 ? width + column : column;
  return index >= 0 && index < width ? index : undefined;
}

function gripperShapeProblem(array: ArrayInfo, column: number | undefined): string {
  const shape = `${array.dataset} has shape (${array.shape.join(', ')})`;
  return column === undefined
    ? `${shape}: a gripper array has one value per frame; name its column, e.g. ${array.name}[0]`
    : `${shape}, which has no column ${column} for the gripper`;
}

/** Reader messages start with the file's name; the summary already names the file. */
function stripFileName(file: string, message: string): string {
  const name = path.basename(file);
  let text = message;
  if (message.startsWith(`${name}:`)) text = message.slice(name.length + 1).trim();
  else if (message.startsWith(`${name} `)) text = `the file${message.slice(name.length)}`;
  return text.replace(/\.$/, '');
}
