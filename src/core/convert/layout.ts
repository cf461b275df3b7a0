// Where the converted layout keeps each file, as dataset_droid_exp33.py reads it, and the annotation's keys.
import * as path from 'node:path';
import type { ColorOrder, PoseFormat } from './stateSource';
import type { Split } from './types';

export const SPLITS: readonly Split[] = ['train', 'val'];
export const ANNOTATION_FOLDER = 'annotation';
export const LATENT_FOLDER = 'latent_videos';
export const STAT_FILE = 'stat.json';
export const MANIFEST_FILE = '.ctrlworld-convert.json';

/** Channels, height and width of one latent frame: SVD's VAE reduces 192x320 by 8 to 4x24x40. */
export const LATENT_CHANNELS = 4;
export const VAE_FACTOR = 8;

export function sampleFile(split: Split): string {
  return `${split}_sample.json`;
}

/** Paths inside the dataset folder, relative and with forward slashes, as the annotation records them. */
export function annotationPath(split: Split, id: number): string {
  return `${ANNOTATION_FOLDER}/${split}/${id}.json`;
}

export function latentPath(split: Split, id: number, view: number): string {
  return `${LATENT_FOLDER}/${split}/${id}/${view}.pt`;
}

export function videoPath(split: Split, id: number, view: number): string {
  return `videos/${split}/${id}/${view}.mp4`;
}

export function datasetDir(root: string, name: string): string {
  return path.join(root, name);
}

/** The meta root the hand-over note uses beside an output root: `flexiv_data` → `flexiv_data_meta_info`. */
export function defaultMetaRoot(root: string): string {
  const resolved = path.resolve(root);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}_meta_info`);
}

/** A Ctrl-World annotation: the keys train_wm.py reads, the keys upstream writes beside them, and the source. */
export interface Annotation {
  texts: string[];
  episode_id: number;
  success: number;
  /** Video frames (and latent frames) of each view. */
  video_length: number;
  state_length: number;
  /** Rows of the `observation.state.*` arrays: the video rate times `down_sample`. */
  raw_length: number;
  videos: Array<{ video_path: string }>;
  latent_videos: Array<{ latent_video_path: string }>;
  /** The 7-D state at the video rate: cartesian_position and gripper_position side by side, as upstream writes it. */
  states: number[][];
  /** x, y, z, roll, pitch, yaw: what train_wm concatenates with the gripper into the action condition. */
  'observation.state.cartesian_position': number[][];
  'observation.state.gripper_position': number[];
  'observation.state.joint_position': number[][];
  /** Where the episode came from and how it was sampled: what the latent encoder and the checks need. */
  source: AnnotationSource;
}

export interface AnnotationSource {
  /** The episode file, relative to the converted folder of episodes. */
  file: string;
  fps: number;
  /** Recorded frames per video frame. */
  stride: number;
  /** Recorded frames per row of the `observation.state.*` arrays (stride / down_sample). */
  state_stride: number;
  /** The arrays the states were made of: `tcp_pose`, its format (`quat-wxyz`…) and `gripper_width` or `action[6]`. */
  pose_array: string;
  pose_format: PoseFormat;
  gripper_array: string;
  /** Camera of view 0, 1, 2. */
  cameras: string[];
  /** How the latent encoder reads raw frames' channels (JPEG frames are RGB once decoded). */
  raw_color_order: ColorOrder;
  width: number;
  height: number;
}

/** One entry of train_sample.json / val_sample.json. */
export interface SampleEntry {
  episode_id: number;
  frame_ids: number[];
}

export interface StatJson {
  state_01: number[];
  state_99: number[];
}
