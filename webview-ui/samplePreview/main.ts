// Sample Preview sidebar view: the newest validation video of the selected run, muted and looping, with its step;
// a click opens the run's sample gallery. An empty state says what to do first.
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type {
  SamplePreviewHostMessage,
  SamplePreviewSample,
  SamplePreviewViewMessage,
} from '../../src/protocol/samplePreview';
import { HostChannel } from '../shared/host';
import './samplePreview.css';
import { renderEmptyState } from '../shared/emptyState';

const app = document.getElementById('app')!;
let shown: { src: string; video: HTMLVideoElement } | undefined;

const channel = new HostChannel<SamplePreviewHostMessage, SamplePreviewViewMessage>((message) => {
  switch (message.type) {
    case 'empty':
      return renderEmpty(message.reason);
    case 'waiting':
      return renderText(message.run, message.text, message.level);
    case 'loading':
      return renderLoading(message.run, message.step, message.fraction);
    case 'sample':
      return renderSample(message);
  }
});

function node<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function icon(name: string, spin = false): HTMLElement {
  const element = node('span', `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`);
  element.setAttribute('aria-hidden', 'true');
  return element;
}

function show(...children: HTMLElement[]): void {
  shown = undefined;
  app.replaceChildren(...children);
}

function renderEmpty(reason: string): void {
  shown = undefined;
  renderEmptyState(app, {
    icon: 'device-camera-video',
    message: reason,
    action: { label: 'Start Flexiv Training', run: () => channel.post({ type: 'startTraining' }) },
  });
}

function renderText(run: string, text: string, level: 'info' | 'warning'): void {
  const box = node('div', 'empty-state');
  box.append(
    icon(level === 'warning' ? 'warning' : 'device-camera-video'),
    node('strong', undefined, run),
    node('p', level === 'warning' ? 'warning-banner' : undefined, text),
  );
  show(box);
}

function renderLoading(run: string, step: number, fraction: number): void {
  const box = node('div', 'empty-state');
  const bar = document.createElement('vscode-progress-bar') as HTMLElement & { value: number; max: number };
  bar.value = Math.round(fraction * 100);
  bar.max = 100;
  bar.setAttribute('aria-label', 'Fetching the video');
  box.append(
    icon('loading', true),
    node('strong', undefined, run),
    node('p', undefined, `Fetching the video of step ${step.toLocaleString('en-US')}…`),
    bar,
  );
  show(box);
}

function renderSample(sample: SamplePreviewSample): void {
  // The same video already playing keeps playing; only the caption may change.
  if (shown?.src === sample.src) return;
  const box = node('div', 'preview');
  const video = document.createElement('video');
  video.src = sample.src;
  video.muted = true;
  video.loop = true;
  video.autoplay = true;
  video.playsInline = true;
  video.title = 'Open the sample gallery';
  video.tabIndex = 0;
  video.setAttribute(
    'aria-label',
    `Validation video of step ${sample.step}, ${sample.run}. Press Enter to open the sample gallery.`,
  );
  video.addEventListener('click', () => channel.post({ type: 'openGallery' }));
  video.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') channel.post({ type: 'openGallery' });
  });
  video.addEventListener('error', () => channel.post({ type: 'sampleFailed' }), { once: true });
  const caption = node('div', 'caption');
  const step = node('strong', 'preview-step', `Step ${sample.step.toLocaleString('en-US')}`);
  caption.append(step, node('span', undefined, `#${sample.index} of ${sample.count} · ${sample.timeText}`));
  const title = node('div', 'caption');
  title.append(node('span', 'preview-run', sample.run));
  box.append(title, video, caption);
  app.replaceChildren(box);
  shown = { src: sample.src, video };
}

channel.ready();
