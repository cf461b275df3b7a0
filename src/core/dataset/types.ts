// What a dataset scan produces: one summary per episode file, with its problems, grouped into datasets.
import type { ImageEncoding } from '../hdf5';

export type Severity = 'error' | 'warning';

/** One thing wrong with an episode, worded for the user: it names the dataset and file and says what to do. */
export interface Problem {
  readonly severity: Severity;
  /** Stable identifier: `truncated`, `missing-camera`, `non-finite`, … (see README, Troubleshooting). */
  readonly code: string;
  readonly message: string;
}

export interface CameraSummary {
  readonly name: string;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly encoding: ImageEncoding;
  readonly filter: string | null;
}

export interface ArraySummary {
  readonly shape: readonly number[];
  readonly dtype: string;
}

export interface EpisodeSummary {
  /** Absolute path of the episode file. */
  readonly path: string;
  /** Path relative to the scanned root, with forward slashes. */
  readonly file: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** The episode's length: rows of /action, else of qpos, else the first camera's frames; 0 when unreadable. */
  readonly frames: number;
  /** Frames per second: the file's own attribute when it has one, else the configured default. */
  readonly fps: number;
  readonly fpsFromFile: boolean;
  readonly cameras: readonly CameraSummary[];
  /** Keyed by dataset name under /observations (`qpos`, …) and `action`. */
  readonly arrays: Readonly<Record<string, ArraySummary>>;
  /** False when the file could not be opened at all (its only problem says why). */
  readonly readable: boolean;
  readonly problems: readonly Problem[];
}

/** Episodes that sit directly in one folder: the unit the converter takes and cross-episode checks compare. */
export interface DatasetSummary {
  /** Absolute path of the folder. */
  readonly folder: string;
  /** The folder relative to the scanned root (`.` for the root itself), with forward slashes. */
  readonly relative: string;
  readonly name: string;
  readonly episodes: readonly EpisodeSummary[];
  readonly frames: number;
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly errors: number;
  readonly warnings: number;
}

export interface ScanResult {
  readonly root: string;
  /** Every episode under root, naturally sorted by relative path (episode_2 before episode_10). */
  readonly episodes: readonly EpisodeSummary[];
  readonly datasets: readonly DatasetSummary[];
  readonly summary: {
    readonly episodes: number;
    readonly frames: number;
    readonly errors: number;
    readonly warnings: number;
  };
  /** How many files were read this time (the others came unchanged from the previous scan). */
  readonly filesRead: number;
}

export interface ScanOptions {
  /** Frames per second for files without an `fps` attribute (ctrlWorld.datasetFps). */
  readonly defaultFps: number;
  /** The action and qpos width the training config expects (action_dim, 7 for Flexiv). */
  readonly actionDim: number;
  /** JPEG frames checked per camera, spread over the episode (first and last included). */
  readonly jpegSampleFrames: number;
  /** Seconds one file's checks may take, then a `check-timeout` warning (ctrlWorld.datasetCheckSeconds). */
  readonly checkSeconds: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { defaultFps: 30, actionDim: 7, jpegSampleFrames: 8, checkSeconds: 5 };

export interface ScanProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}
