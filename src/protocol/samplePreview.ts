// Messages between the Sample Preview sidebar view and the extension.
import type { ReadyMessage } from './channel';

export interface SamplePreviewEmptyState {
  readonly type: 'empty';
  /** Why there is nothing to show, in one sentence. */
  readonly reason: string;
}

/** The selected run has no finished validation video yet, or its folder could not be read. */
export interface SamplePreviewWaiting {
  readonly type: 'waiting';
  readonly run: string;
  readonly text: string;
  readonly level: 'info' | 'warning';
}

export interface SamplePreviewLoading {
  readonly type: 'loading';
  readonly run: string;
  readonly step: number;
  /** 0..1 of the video fetched so far. */
  readonly fraction: number;
}

export interface SamplePreviewSample {
  readonly type: 'sample';
  readonly run: string;
  readonly step: number;
  readonly index: number;
  /** How many videos this validation made (the gallery shows them all). */
  readonly count: number;
  /** A webview URI of the cached video. */
  readonly src: string;
  readonly timeText: string;
}

export type SamplePreviewHostMessage =
  SamplePreviewEmptyState | SamplePreviewWaiting | SamplePreviewLoading | SamplePreviewSample;

export type SamplePreviewViewMessage =
  | ReadyMessage
  | { readonly type: 'startTraining' }
  | { readonly type: 'openGallery' }
  /** The video element could not play the file: the host converts it. */
  | { readonly type: 'sampleFailed' };
