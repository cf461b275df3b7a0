// What a conversion takes (its options) and gives back (its summary), shared by the command, the CLI and tests.
import type { ColorOrder, GripperChoice, PoseChoice, StateChoice } from './stateSource';

/** How episodes are divided into training and validation. */
export type SplitRule =
  | { readonly kind: 'ratio'; readonly ratio: number; readonly seed: number }
  | { readonly kind: 'every'; readonly k: number };

export interface ConvertOptions {
  /** The dataset name: the folder under the output root and under the meta root (`flexiv_1113`). */
  readonly name: string;
  readonly split: SplitRule;
  /** Camera name for each Ctrl-World view, view 0 first (train_wm stacks views 0, 1, 2 along the height). */
  readonly views: readonly string[];
  /** Video frames keep every `stride`-th recorded frame; undefined: the episode's fps divided by targetFps. */
  readonly stride?: number;
  /** Video rate the stride aims for when it is not given (5 Hz: the rate Ctrl-World was pre-trained at). */
  readonly targetFps: number;
  /** The config's `down_sample`: train_wm reads the state arrays at `frame * down_sample`. */
  readonly downSample: number;
  /** Frame size the latents are encoded at (the config's width and height). */
  readonly width: number;
  readonly height: number;
  /** The config's `num_frames`: every sample leaves room for this many frames at the reader's largest skip. */
  readonly numFrames: number;
  /** Distance between the start frames of consecutive samples of one episode. */
  readonly startInterval: number;
  /** The end-effector pose upstream's action condition is made of; 'auto': found by its name (tcp_pose, ee_pose…). */
  readonly pose: PoseChoice | 'auto';
  /** The gripper value appended to the pose; 'auto': found by its name (gripper_width…) or beside the pose. */
  readonly gripper: GripperChoice | 'auto';
  /** Channel order of raw frames, recorded for the latent encoder (JPEG frames decode to RGB by themselves). */
  readonly rawColorOrder: ColorOrder;
  /** Instruction for every episode; empty: each file's `task` attribute. */
  readonly task: string;
  /** Recording rate of files without an fps attribute. */
  readonly defaultFps: number;
  /** Width of the state vector (the config's `action_dim`). */
  readonly stateDim: number;
}

export const DEFAULT_VIEWS: readonly string[] = ['cam_high', 'cam_left_wrist', 'cam_right_wrist'];

export const DEFAULT_CONVERT_OPTIONS: Omit<ConvertOptions, 'name'> = {
  split: { kind: 'ratio', ratio: 0.1, seed: 0 },
  views: DEFAULT_VIEWS,
  targetFps: 5,
  downSample: 3,
  width: 320,
  height: 192,
  numFrames: 5,
  startInterval: 1,
  pose: 'auto',
  gripper: 'auto',
  rawColorOrder: 'rgb',
  task: '',
  defaultFps: 30,
  stateDim: 7,
};

/**
 * The reader (dataset_droid_exp33.py) picks future frames `frame + i * skip` with skip 1 or 2 at random:
 * a sample starts early enough that even the larger skip stays inside the episode.
 */
export const READER_MAX_SKIP = 2;

export type Split = 'train' | 'val';

export interface SkippedEpisode {
  /** The episode file, relative to the input folder. */
  readonly file: string;
  readonly reason: string;
}

export interface ConvertProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

export interface ConvertSummary {
  /** Episodes in the converted dataset (train + val). */
  readonly episodes: number;
  readonly train: number;
  readonly val: number;
  /** Video frames over all converted episodes. */
  readonly frames: number;
  readonly trainSamples: number;
  readonly valSamples: number;
  readonly skipped: readonly SkippedEpisode[];
  /** Annotation files written this time; the others were already done and correct. */
  readonly written: number;
  readonly reused: number;
  /** Annotation files of earlier runs removed because their episode left the dataset. */
  readonly removed: number;
  /** `{out}/{name}`: the dataset folder train_wm reads. */
  readonly datasetDir: string;
  /** `{meta}/{name}`: stat.json and the sample lists. */
  readonly metaDir: string;
  /** The arrays the states were made of ('auto' resolved). */
  readonly choice: StateChoice;
  /** What the user should know about the result, e.g. that joint angles stand where a pose is expected. */
  readonly warnings: readonly string[];
}
