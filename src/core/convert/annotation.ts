// Builds one episode's annotation: states (pose + gripper) at the video rate, and the raw-rate arrays train_wm
// indexes by `frame * down_sample`, thinned so that row `frame * down_sample` is the state of video frame `frame`.
import { latentPath, videoPath, type Annotation } from './layout';
import type { EpisodeData } from './readEpisode';
import type { StateChoice } from './stateSource';
import type { ConvertOptions, Split } from './types';

export type StrideOptions = Pick<ConvertOptions, 'stride' | 'targetFps' | 'downSample'>;

/**
 * Recorded frames per video frame. Given: used as is. Otherwise the multiple of down_sample closest to
 * fps / targetFps (30 Hz → 6, i.e. 5 Hz video like Ctrl-World's pre-training data; 15 Hz → 3 like upstream).
 */
export function resolveStride(fps: number, options: StrideOptions): number {
  if (options.stride !== undefined) return options.stride;
  return options.downSample * Math.max(1, Math.round(fps / options.targetFps / options.downSample));
}

/** Why a stride cannot be used with this down_sample, or undefined when it can. */
export function strideProblem(stride: number, downSample: number): string | undefined {
  if (!Number.isInteger(stride) || stride < 1) return `the stride must be a whole number from 1, not ${stride}`;
  if (stride % downSample !== 0) {
    return `stride ${stride} is not a multiple of the config's down_sample ${downSample}: train_wm reads the state of video frame f at row f x ${downSample}, which needs a stride of ${downSample}, ${2 * downSample}, ${3 * downSample}, …`;
  }
  return undefined;
}

export function everyNth<T>(rows: readonly T[], step: number): T[] {
  const result: T[] = [];
  for (let i = 0; i < rows.length; i += step) result.push(rows[i]!);
  return result;
}

export interface AnnotationInput {
  readonly id: number;
  readonly split: Split;
  /** The episode file relative to the folder of episodes. */
  readonly file: string;
  readonly data: EpisodeData;
  readonly stride: number;
  readonly options: Pick<ConvertOptions, 'downSample' | 'views' | 'width' | 'height' | 'rawColorOrder'>;
  readonly choice: StateChoice;
}

export function buildAnnotation({ id, split, file, data, stride, options, choice }: AnnotationInput): Annotation {
  const stateStride = stride / options.downSample;
  const states = everyNth(data.states, stride);
  const raw = everyNth(data.states, stateStride);
  const pose = (rows: readonly number[][]) => rows.map((row) => row.slice(0, -1));
  const gripperOf = (rows: readonly number[][]) => rows.map((row) => row[row.length - 1]!);
  const views = options.views.map((_, view) => view);
  const { gripper } = choice;
  return {
    texts: [data.task],
    episode_id: id,
    success: 1,
    video_length: states.length,
    state_length: states.length,
    raw_length: raw.length,
    videos: views.map((view) => ({ video_path: videoPath(split, id, view) })),
    latent_videos: views.map((view) => ({ latent_video_path: latentPath(split, id, view) })),
    states,
    'observation.state.cartesian_position': pose(raw),
    'observation.state.gripper_position': gripperOf(raw),
    // train_wm reads only its length: the pose and gripper stand in when the episode has no joint angles.
    'observation.state.joint_position': data.joints ? everyNth(data.joints, stateStride) : raw,
    source: {
      file,
      fps: data.fps,
      stride,
      state_stride: stateStride,
      pose_array: choice.pose.array,
      pose_format: choice.pose.format,
      gripper_array: gripper.column === undefined ? gripper.array : `${gripper.array}[${gripper.column}]`,
      cameras: [...options.views],
      raw_color_order: options.rawColorOrder,
      width: options.width,
      height: options.height,
    },
  };
}
