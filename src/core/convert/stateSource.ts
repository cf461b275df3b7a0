// Which episode arrays become upstream's action condition: the end-effector pose (x, y, z, roll, pitch, yaw) and the
// gripper. Ctrl-World's action encoder was pre-trained on DROID's `observation.state.cartesian_position` and
// `gripper_position`, so joint angles there change what the numbers mean: they are only taken when asked for.
import type { ArrayInfo } from '../hdf5';

/**
 * How the pose array's columns are laid out. `euler`: x, y, z, roll, pitch, yaw in radians (DROID's layout; extra
 * columns after them are ignored). `quat-wxyz`: x, y, z, qw, qx, qy, qz (Flexiv's TCP pose); `quat-xyzw`: scalar
 * last (ROS, scipy). `joints`: joint angles, not a pose at all (ALOHA's qpos).
 */
export type PoseFormat = 'euler' | 'quat-wxyz' | 'quat-xyzw' | 'joints';
export const POSE_FORMATS: readonly PoseFormat[] = ['euler', 'quat-wxyz', 'quat-xyzw', 'joints'];

export interface PoseChoice {
  /** An array of the episode: `tcp_pose` (under /observations) or `action`. */
  readonly array: string;
  /** 'auto': euler for 6 columns, quat-wxyz for 7 (Flexiv records its TCP pose scalar first). */
  readonly format: PoseFormat | 'auto';
}

export interface GripperChoice {
  readonly array: string;
  /** Column of a 2-D array (negative counts from the end, like numpy); undefined for a (T,) or (T, 1) array. */
  readonly column?: number;
}

/** What a conversion reads, resolved: no 'auto' left, so the same choice holds for every episode of the dataset. */
export interface StateChoice {
  readonly pose: { readonly array: string; readonly format: PoseFormat };
  readonly gripper: GripperChoice;
}

/** Channel order of raw (T, H, W, 3) frames; JPEG frames say their own. OpenCV captures are BGR. */
export type ColorOrder = 'rgb' | 'bgr';
export const COLOR_ORDERS: readonly ColorOrder[] = ['rgb', 'bgr'];

/** Names recorders give the end-effector pose, most specific first. */
export const POSE_NAMES = [
  'tcp_pose',
  'ee_pose',
  'eef_pose',
  'end_effector_pose',
  'cartesian_position',
  'cartesian_pose',
];
/** Names recorders give the gripper opening. */
export const GRIPPER_NAMES = ['gripper_width', 'gripper_position', 'gripper_pos', 'gripper_state', 'gripper'];

/** Pose columns each format reads from the array; all but `joints` give the 6 numbers upstream expects. */
export function poseColumnsRead(format: PoseFormat, stateDim: number): number {
  if (format === 'joints') return stateDim - 1;
  return format === 'euler' ? 6 : 7;
}

/** Why this choice cannot be resolved from these arrays, as `{ message, hint }`; thrown by resolveStateChoice. */
export class StateChoiceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const describe = (array: ArrayInfo) => `${array.dataset} (${array.shape.join(', ')})`;
const columns = (array: ArrayInfo) => (array.shape.length === 2 ? array.shape[1]! : 1);

/** The warning a joint-angle choice carries wherever it is shown. */
export function jointsWarning(array: string): string {
  return (
    `${array} is taken as joint angles: Ctrl-World's pre-trained action encoder expects the end-effector pose ` +
    '(x, y, z, roll, pitch, yaw) and gripper; joint angles change what the action condition means, so fine-tuning ' +
    'starts from a mismatched encoder'
  );
}

/**
 * Resolves 'auto' against one episode's arrays (the first readable episode stands for the dataset).
 * Pose: the first array named like a pose with 6 or 7 columns. Gripper: an array named like a gripper; else the
 * column after the pose in the pose array (the fork's /action holds x, y, z, rx, ry, rz, gripper); else, for joint
 * angles, their last column (ALOHA's qpos ends with the gripper).
 */
export function resolveStateChoice(
  arrays: readonly ArrayInfo[],
  pose: PoseChoice | 'auto',
  gripper: GripperChoice | 'auto',
  stateDim: number,
): StateChoice {
  const known = arrays.map(describe).join(', ') || 'none';
  let poseArray: ArrayInfo | undefined;
  if (pose === 'auto') {
    poseArray = arrays.find(
      (array) => POSE_NAMES.includes(array.name) && array.shape.length === 2 && [6, 7].includes(columns(array)),
    );
    if (!poseArray) {
      throw new StateChoiceError(
        `No end-effector pose array was found (looked for ${POSE_NAMES.join(', ')} with 6 or 7 columns; ` +
          `arrays: ${known}).`,
        'Choose the pose array (ctrlWorld.convert.poseArray, or --pose NAME), ' +
          'or take joint angles explicitly with pose format "joints".',
      );
    }
  } else {
    poseArray = arrays.find((array) => array.name === pose.array);
    if (!poseArray)
      throw new StateChoiceError(
        `There is no array "${pose.array}" for the end-effector pose (arrays: ${known}).`,
        'Choose one of the arrays listed.',
      );
  }
  const format = pose === 'auto' || pose.format === 'auto' ? autoFormat(poseArray) : pose.format;
  if (format === 'joints' && stateDim < 2)
    throw new StateChoiceError(
      `action_dim ${stateDim} leaves no room for joint angles and a gripper.`,
      "Check the config's action_dim.",
    );
  if (format !== 'joints' && stateDim !== 7) {
    throw new StateChoiceError(
      `An end-effector pose and a gripper are 7 numbers, but action_dim is ${stateDim}.`,
      'Set action_dim = 7 in the training config, as upstream has.',
    );
  }
  const resolvedPose = { array: poseArray.name, format };
  return {
    pose: resolvedPose,
    gripper: gripper === 'auto' ? autoGripper(arrays, poseArray, format, stateDim, known) : gripper,
  };
}

function autoFormat(array: ArrayInfo): PoseFormat {
  const width = columns(array);
  if (array.shape.length === 2 && width === 6) return 'euler';
  if (array.shape.length === 2 && width === 7) return 'quat-wxyz';
  throw new StateChoiceError(
    `${describe(array)} is not a pose of 6 (x, y, z, roll, pitch, yaw) or 7 (x, y, z + quaternion) columns.`,
    'Give its format (euler, quat-wxyz, quat-xyzw, or joints for joint angles).',
  );
}

function autoGripper(
  arrays: readonly ArrayInfo[],
  pose: ArrayInfo,
  format: PoseFormat,
  stateDim: number,
  known: string,
): GripperChoice {
  const named = arrays.find(
    (array) =>
      GRIPPER_NAMES.includes(array.name) &&
      (array.shape.length === 1 || (array.shape.length === 2 && columns(array) === 1)),
  );
  if (named) return { array: named.name };
  const used = poseColumnsRead(format, stateDim);
  if (format !== 'joints' && columns(pose) > used) return { array: pose.name, column: used };
  if (format === 'joints' && columns(pose) >= 2) return { array: pose.name, column: -1 };
  throw new StateChoiceError(
    `No gripper array was found (looked for ${GRIPPER_NAMES.join(', ')}; arrays: ${known}).`,
    'Choose the gripper array (ctrlWorld.convert.gripperArray, or --gripper NAME or NAME[COLUMN]).',
  );
}

/** "tcp_pose" or "tcp_pose:quat-wxyz" (CLI and settings); '' or 'auto' lets the converter choose. */
export function parsePoseChoice(text: string, format: PoseFormat | 'auto' = 'auto'): PoseChoice | 'auto' {
  const value = text.trim();
  if (!value || value === 'auto') {
    if (format !== 'auto')
      throw new StateChoiceError(
        `The pose format "${format}" needs a pose array.`,
        'Name the array, e.g. tcp_pose or qpos.',
      );
    return 'auto';
  }
  return { array: value.replace(/^\/?(observations\/)?/, ''), format };
}

/** "gripper_width", "action[6]" or "qpos[-1]"; '' or 'auto' lets the converter choose. */
export function parseGripperChoice(text: string): GripperChoice | 'auto' {
  const value = text.trim();
  if (!value || value === 'auto') return 'auto';
  const match = /^\/?(?:observations\/)?([^[\]\s]+?)(?:\[(-?\d+)\])?$/.exec(value);
  if (!match)
    throw new StateChoiceError(
      `"${text}" is not a gripper array.`,
      'Write NAME or NAME[COLUMN], e.g. gripper_width or action[6].',
    );
  return match[2] === undefined ? { array: match[1]! } : { array: match[1]!, column: Number(match[2]) };
}

/** The choice in the words the summary, the log and the annotation's source use. */
export function describeStateChoice(choice: StateChoice): string {
  const { gripper } = choice;
  const column = gripper.column === undefined ? '' : `[${gripper.column}]`;
  return `pose ${choice.pose.array} (${choice.pose.format}), gripper ${gripper.array}${column}`;
}
