// Run dashboard webview: the header above four tabs (Metrics with the GPU panel, Checkpoints, Samples, Quality), fed
// by the extension through the typed protocol; settings and the open tab survive a reload.
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type {
  DashboardTab,
  RunDashboardHostMessage,
  RunDashboardState,
  RunDashboardViewMessage,
} from '../../src/protocol/runDashboard';
import { HostChannel } from '../shared/host';
import { CheckpointsTab } from './checkpointsTab';
import { element } from './dom';
import { GpuPanel } from './gpuPanel';
import { renderHeader } from './header';
import { MetricsTab } from './metricsTab';
import { QualityTab } from './qualityTab';
import { SamplesTab } from './samplesTab';
import { onThemeChange } from './theme';
import './runDashboard.css';

const TABS: readonly DashboardTab[] = ['metrics', 'checkpoints', 'samples', 'quality'];
const TAB_TITLES: Record<DashboardTab, string> = {
  metrics: 'Metrics',
  checkpoints: 'Checkpoints',
  samples: 'Samples',
  quality: 'Quality',
};

document.body.classList.add('panel');
const app = document.getElementById('app')!;
let state: Partial<RunDashboardState> = {};
const channel = new HostChannel<RunDashboardHostMessage, RunDashboardViewMessage, Partial<RunDashboardState>>(
  (message) => receive(message),
);
state = channel.state ?? {};
const save = (change: Partial<RunDashboardState>) => {
  state = { ...state, ...change };
  channel.state = state;
};

const header = element('header', 'run-header');
const metrics = new MetricsTab(
  { smoothing: state.smoothing ?? 0.6, logScale: state.logScale ?? false },
  (settings) => save({ smoothing: settings.smoothing, logScale: settings.logScale }),
  () => channel.post({ type: 'compare-add' }),
  (key) => channel.post({ type: 'compare-remove', key }),
);
const gpus = new GpuPanel();
const checkpoints = new CheckpointsTab({
  download: (step) => channel.post({ type: 'download-checkpoint', step }),
  resume: (step) => channel.post({ type: 'continue-from-checkpoint', step }),
});
const samples = new SamplesTab({
  fetch: (key) => channel.post({ type: 'fetch-sample', key }),
  failed: (key) => channel.post({ type: 'sample-failed', key }),
});
const quality = new QualityTab({
  measure: () => channel.post({ type: 'quality-measure', auto: false }),
  cancel: () => channel.post({ type: 'quality-cancel' }),
  open: (row) => {
    showTab('samples', true);
    samples.focus(row.step, row.worst);
  },
  compareAdd: () => channel.post({ type: 'compare-add' }),
  compareRemove: (key) => channel.post({ type: 'compare-remove', key }),
});

const tabs = document.createElement('vscode-tabs') as HTMLElement & { selectedIndex: number };
tabs.className = 'dashboard-tabs';
// Charts and GPUs side by side where the panel is wide enough (one column below 900 px, see the CSS).
const metricsLayout = element('div', 'metrics-layout');
metricsLayout.append(metrics.element, gpus.element);
const panels: Record<DashboardTab, HTMLElement[]> = {
  metrics: [metricsLayout],
  checkpoints: [checkpoints.element],
  samples: [samples.element],
  quality: [quality.element],
};
for (const tab of TABS) {
  const title = document.createElement('vscode-tab-header');
  title.setAttribute('slot', 'header');
  title.dataset.tab = tab;
  title.textContent = TAB_TITLES[tab];
  const panel = document.createElement('vscode-tab-panel');
  panel.append(...panels[tab]);
  tabs.append(title, panel);
}
tabs.addEventListener('vsc-tabs-select', () => showTab(TABS[tabs.selectedIndex] ?? 'metrics', false));
app.append(header, tabs);
showTab(state.tab ?? 'metrics', true);
onThemeChange(() => {
  metrics.redrawAll();
  quality.redraw();
});

function showTab(tab: DashboardTab, select: boolean): void {
  if (select) tabs.selectedIndex = TABS.indexOf(tab);
  save({ tab });
  if (tab === 'samples') samples.fetchNewest();
  // Charts laid out while hidden have no size: draw them once they are seen.
  if (tab === 'metrics') requestAnimationFrame(() => metrics.redrawAll());
  if (tab === 'quality') requestAnimationFrame(() => quality.redraw());
  // Both show quality: its measuring starts (in the extension) when either is looked at.
  if (tab === 'quality' || tab === 'checkpoints') channel.post({ type: 'quality-measure', auto: true });
}

function receive(message: RunDashboardHostMessage): void {
  switch (message.type) {
    case 'target':
      return save({ target: message.target });
    case 'header':
      return renderHeader(header, message.header, {
        openSnapshot: () => channel.post({ type: 'open-snapshot' }),
        openLog: () => channel.post({ type: 'open-log' }),
        refresh: () => channel.post({ type: 'refresh' }),
      });
    case 'series':
      return metrics.applySeries(message);
    case 'compare':
      quality.setCompared(message.runs);
      return metrics.setCompared(message.runs);
    case 'compare-quality':
      return quality.setCompareQuality(message.run, message);
    case 'gpus':
      return gpus.update(message.rows, message.time);
    case 'gpus-error':
      return gpus.showError(message.message);
    case 'outputs':
      checkpoints.update(message.checkpoints, message.disk);
      samples.update(message.groups);
      if (state.tab === 'samples') samples.fetchNewest();
      return;
    case 'sample-progress':
      return samples.progress(message.key, message.fraction);
    case 'sample-ready':
      return samples.ready(message.key, message.src);
    case 'sample-error':
      return samples.failed(message.key, message.message);
    case 'quality':
      quality.update(message);
      return checkpoints.setQuality(message.checkpoints);
    case 'show-tab':
      return showTab(message.tab, true);
  }
}

channel.ready();
