// Messages between the Converted Episode panel (an annotation's state curves) and the extension.
import type { ReadyMessage } from './channel';

export const CONVERTED_EPISODE_VIEW_TYPE = 'ctrlWorld.convertedEpisode';

/** Which annotation the panel shows; kept by the webview so the panel comes back after a reload. */
export interface ConvertedEpisodeTarget {
  /** The GPU host the dataset is on (its paths are the host's); absent on this machine. */
  readonly host?: string;
  readonly file: string;
  readonly statFile: string;
  /** The sample list of the episode's split, when it has one. */
  readonly samplesFile?: string;
}

export interface ConvertedEpisodeData {
  readonly type: 'episode';
  readonly target: ConvertedEpisodeTarget;
  readonly title: string;
  /** One line: task, source file and rate. */
  readonly subtitle: string;
  /** The annotation's `states`: one 7-number row per video frame. */
  readonly states: number[][];
  /** stat.json's percentiles, which train_wm scales every state dimension to [-1, 1] with. */
  readonly stat?: { readonly low: number[]; readonly high: number[] };
  /** Start frames of this episode's samples. */
  readonly sampleStarts: number[];
  readonly dimensionNames: string[];
}

export interface ConvertedEpisodeError {
  readonly type: 'error';
  readonly target: ConvertedEpisodeTarget;
  readonly message: string;
}

export type ConvertedEpisodeHostMessage = ConvertedEpisodeData | ConvertedEpisodeError;

export type ConvertedEpisodeViewMessage = ReadyMessage | { readonly type: 'openAnnotation' };
