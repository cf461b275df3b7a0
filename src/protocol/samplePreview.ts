// Messages between the Sample Preview sidebar view and the extension.
import type { ReadyMessage } from './channel';

export interface SamplePreviewEmptyState {
  readonly type: 'empty';
  /** Why there is nothing to show, in one sentence. */
  readonly reason: string;
}

export type SamplePreviewHostMessage = SamplePreviewEmptyState;

export type SamplePreviewViewMessage = ReadyMessage | { readonly type: 'startTraining' };
