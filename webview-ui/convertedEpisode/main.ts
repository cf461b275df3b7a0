// Converted Episode panel: one chart per state dimension at the video rate, with stat.json's 1st/99th percentiles
// (the range train_wm scales to [-1, 1]) as dashed lines, and where the episode's samples start.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { Chart, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import type {
  ConvertedEpisodeData,
  ConvertedEpisodeHostMessage,
  ConvertedEpisodeTarget,
  ConvertedEpisodeViewMessage,
} from '../../src/protocol/convertedEpisode';
import { HostChannel } from '../shared/host';
import { seriesStyle } from '../shared/seriesStyle';
import './convertedEpisode.css';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

const app = document.getElementById('app')!;
document.body.classList.add('panel');
let charts: Chart[] = [];

const channel = new HostChannel<ConvertedEpisodeHostMessage, ConvertedEpisodeViewMessage, ConvertedEpisodeTarget>(
  (message) => {
    channel.state = message.target;
    if (message.type === 'error') renderError(message.message);
    else render(message);
  },
);

function color(name: string): string {
  const css = getComputedStyle(document.documentElement);
  return css.getPropertyValue(name).trim() || css.getPropertyValue('--vscode-foreground').trim() || 'gray';
}

function renderError(message: string): void {
  destroyCharts();
  const box = document.createElement('div');
  box.className = 'empty-state';
  box.innerHTML = '<span class="codicon codicon-error" aria-hidden="true"></span>';
  const text = document.createElement('p');
  text.textContent = message;
  box.append(text);
  app.replaceChildren(box);
}

function render(data: ConvertedEpisodeData): void {
  destroyCharts();
  const header = document.createElement('header');
  const title = document.createElement('h2');
  title.textContent = data.title;
  const subtitle = document.createElement('p');
  subtitle.className = 'muted';
  subtitle.textContent = data.subtitle;
  const open = document.createElement('vscode-button');
  open.setAttribute('secondary', '');
  open.textContent = 'Open Annotation';
  open.addEventListener('click', () => channel.post({ type: 'openAnnotation' }));
  header.append(title, subtitle, open);

  const summary = document.createElement('p');
  summary.className = 'summary';
  const starts = data.sampleStarts;
  summary.textContent =
    `${data.states.length} video frames; ${starts.length} samples start at frames ${starts.length ? `${starts[0]}–${starts[starts.length - 1]}` : '(none)'}` +
    (data.stat
      ? '. Dashed: the 1st and 99th percentiles of the training split (stat.json), scaled to −1 and 1 for training.'
      : '. stat.json is missing.');

  const grid = document.createElement('div');
  grid.className = 'grid';
  data.dimensionNames.forEach((name, d) => grid.append(dimensionChart(data, name, d)));
  app.replaceChildren(header, summary, grid);
}

function dimensionChart(data: ConvertedEpisodeData, name: string, d: number): HTMLElement {
  const box = document.createElement('figure');
  box.className = 'chart-box';
  const caption = document.createElement('figcaption');
  const values = data.states.map((row) => row[d]!);
  const low = data.stat?.low[d];
  const high = data.stat?.high[d];
  const outside =
    low === undefined || high === undefined ? 0 : values.filter((value) => value < low || value > high).length;
  caption.textContent = `${name}${outside ? ` · ${outside} frame${outside === 1 ? '' : 's'} outside the 1–99% range` : ''}`;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-label', `${name} over ${values.length} frames`);
  box.append(caption, canvas);
  const line = color(seriesStyle(d).colorVariable);
  const muted = color('--vscode-descriptionForeground');
  const flat = (value: number) => [
    { x: 0, y: value },
    { x: Math.max(1, values.length - 1), y: value },
  ];
  const datasets = [
    {
      label: name,
      data: values.map((y, x) => ({ x, y })),
      borderColor: line,
      backgroundColor: line,
      borderWidth: 1.5,
      pointRadius: 0,
    },
    ...(low !== undefined && high !== undefined
      ? [
          {
            label: '1st percentile',
            data: flat(low),
            borderColor: muted,
            borderDash: [4, 3],
            borderWidth: 1,
            pointRadius: 0,
          },
          {
            label: '99th percentile',
            data: flat(high),
            borderColor: muted,
            borderDash: [4, 3],
            borderWidth: 1,
            pointRadius: 0,
          },
        ]
      : []),
  ];
  charts.push(
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            max: Math.max(1, values.length - 1),
            ticks: { precision: 0, maxTicksLimit: 6, color: muted },
            grid: { color: color('--vscode-charts-lines') },
          },
          y: {
            type: 'linear',
            ticks: { maxTicksLimit: 5, color: muted },
            grid: { color: color('--vscode-charts-lines') },
          },
        },
        plugins: { tooltip: { callbacks: { title: (items) => `frame ${items[0]?.parsed.x ?? ''}` } } },
      },
    }),
  );
  return box;
}

function destroyCharts(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
}

channel.ready();
