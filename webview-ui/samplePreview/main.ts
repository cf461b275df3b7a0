// Sample Preview sidebar view: shows the newest validation video, or an empty state with the next step.
import type { SamplePreviewHostMessage, SamplePreviewViewMessage } from '../../src/protocol/samplePreview';
import { HostChannel } from '../shared/host';
import { renderEmptyState } from '../shared/emptyState';

const app = document.getElementById('app')!;

const channel = new HostChannel<SamplePreviewHostMessage, SamplePreviewViewMessage>((message) => {
  if (message.type === 'empty') renderEmpty(message.reason);
});

function renderEmpty(reason: string): void {
  renderEmptyState(app, { icon: 'device-camera-video', message: reason, action: { label: 'Start Flexiv Training', run: () => channel.post({ type: 'startTraining' }) } });
}

channel.ready();
