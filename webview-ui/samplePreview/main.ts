// Sample Preview sidebar view: shows the newest validation video, or an empty state with the next step.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { SamplePreviewHostMessage, SamplePreviewViewMessage } from '../../src/protocol/samplePreview';
import { HostChannel } from '../shared/host';

const app = document.getElementById('app')!;

const channel = new HostChannel<SamplePreviewHostMessage, SamplePreviewViewMessage>((message) => {
  if (message.type === 'empty') renderEmpty(message.reason);
});

function renderEmpty(reason: string): void {
  app.replaceChildren();
  const box = document.createElement('div');
  box.className = 'empty-state';
  const icon = document.createElement('span');
  icon.className = 'codicon codicon-device-camera-video';
  icon.setAttribute('aria-hidden', 'true');
  const text = document.createElement('p');
  text.textContent = reason;
  const button = document.createElement('vscode-button');
  button.textContent = 'Start Flexiv Training';
  button.addEventListener('click', () => channel.post({ type: 'startTraining' }));
  box.append(icon, text, button);
  app.append(box);
}

channel.ready();
