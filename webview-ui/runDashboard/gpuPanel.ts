// GPU utilisation and memory per GPU, sampled from nvidia-smi by the extension while the dashboard is open, with a
// short utilisation history drawn as a sparkline.
import type { GpuRow } from '../../src/protocol/runDashboard';
import { element } from './dom';
import { themeColor } from './theme';

const HISTORY = 60;

export class GpuPanel {
  readonly element = element('section', 'gpu-panel');
  private readonly history = new Map<number, number[]>();
  private readonly body = element('div', 'gpu-rows');
  private readonly status = element('p', 'muted');

  constructor() {
    this.element.append(element('h2', undefined, 'GPUs'), this.status, this.body);
    this.status.textContent = 'Waiting for the first nvidia-smi sample…';
  }

  showError(message: string): void {
    this.status.textContent = message;
    this.status.className = 'warning-banner';
  }

  update(rows: readonly GpuRow[], time: number): void {
    this.status.className = 'muted';
    this.status.textContent = `Sampled ${new Date(time).toLocaleTimeString()}`;
    this.body.replaceChildren(...rows.map((row) => this.row(row)));
  }

  private row(gpu: GpuRow): HTMLElement {
    const history = this.history.get(gpu.index) ?? [];
    if (gpu.utilization !== undefined) history.push(gpu.utilization);
    if (history.length > HISTORY) history.shift();
    this.history.set(gpu.index, history);
    const row = element('div', `gpu-row${gpu.inRun ? '' : ' not-in-run'}`);
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', `GPU ${gpu.index}`);
    const name = element('span', 'gpu-name', `GPU ${gpu.index}`);
    name.title = gpu.name + (gpu.inRun ? '' : ' (not used by this run)');
    const memoryFraction = gpu.memoryTotalMiB > 0 ? gpu.memoryUsedMiB / gpu.memoryTotalMiB : 0;
    row.append(
      name,
      meter(
        'Utilisation',
        'meter-util',
        (gpu.utilization ?? 0) / 100,
        gpu.utilization === undefined ? 'n/a' : `${gpu.utilization}%`,
      ),
      meter(
        'Memory',
        'meter-memory',
        memoryFraction,
        `${(gpu.memoryUsedMiB / 1024).toFixed(1)} / ${(gpu.memoryTotalMiB / 1024).toFixed(0)} GiB`,
      ),
      sparkline(history),
    );
    return row;
  }
}

function meter(label: string, kind: string, fraction: number, text: string): HTMLElement {
  const box = element('div', `meter ${kind}`);
  box.setAttribute('role', 'meter');
  box.setAttribute('aria-label', label);
  box.setAttribute('aria-valuemin', '0');
  box.setAttribute('aria-valuemax', '100');
  box.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  box.setAttribute('aria-valuetext', text);
  const fill = element('div', 'meter-fill');
  fill.style.width = `${Math.min(100, Math.max(0, fraction * 100))}%`;
  box.append(fill, element('span', 'meter-text', `${label}: ${text}`));
  return box;
}

function sparkline(values: readonly number[]): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'sparkline';
  canvas.width = 120;
  canvas.height = 24;
  canvas.setAttribute('aria-hidden', 'true');
  const context = canvas.getContext('2d');
  if (!context || values.length < 2) return canvas;
  context.strokeStyle = themeColor('--vscode-charts-blue', '#3794ff');
  context.lineWidth = 1.5;
  context.beginPath();
  values.forEach((value, i) => {
    const x = (i / (HISTORY - 1)) * canvas.width;
    const y = canvas.height - 1 - (value / 100) * (canvas.height - 2);
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
  return canvas;
}
