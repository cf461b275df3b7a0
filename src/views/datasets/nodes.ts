// The Datasets tree's nodes. Each carries `file` (an absolute path), which commands on any node read.
import type { ArraySummary, CameraSummary, DatasetSummary, EpisodeSummary } from '../../core/dataset';
import type { EpisodeFlag } from '../../core/dataset/flags';
import type { DatasetRoot } from './datasetRoots';

export type DatasetsNode = DatasetNode | EpisodeNode | CameraNode | ArrayNode | RootMessageNode;

export interface DatasetNode {
  readonly kind: 'dataset';
  readonly file: string;
  readonly dataset: DatasetSummary;
  /** The episodes shown: the filter and the sort order applied. */
  readonly episodes: readonly EpisodeSummary[];
}

export interface EpisodeNode {
  readonly kind: 'episode';
  readonly file: string;
  readonly episode: EpisodeSummary;
  readonly datasetName: string;
  /** Set when the episode is flagged as a bad demonstration (conversion leaves it out). */
  readonly flag?: EpisodeFlag;
}

export interface CameraNode {
  readonly kind: 'camera';
  readonly file: string;
  readonly episode: EpisodeSummary;
  readonly camera: CameraSummary;
}

export interface ArrayNode {
  readonly kind: 'array';
  readonly file: string;
  readonly episode: EpisodeSummary;
  readonly name: string;
  readonly array: ArraySummary;
}

/** A configured folder that shows nothing: missing, unreadable, or without episodes. */
export interface RootMessageNode {
  readonly kind: 'rootMessage';
  readonly file: string;
  readonly root: DatasetRoot;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info';
}
