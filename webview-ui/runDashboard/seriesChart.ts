// One chart.js line chart over training steps that stays fluid with 100k+ points: each redraw hands chart.js only
// the visible range, decimated to two points per pixel column. Drag to zoom into steps, double-click to zoom out.
import {
  Chart,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { decimateMinMax, type Points, type XY } from './decimate';
import { FAST_LINE_OPTIONS } from '../shared/chartOptions';
import { themeColor } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

export interface ChartLine {
  readonly label: string;
  readonly color: string;
  readonly points: Points;
  /** Thin and faint: the raw values under a smoothed line. */
  readonly faint?: boolean;
}

export interface StepRange {
  readonly from: number;
  readonly to: number;
}

export interface SeriesChartOptions {
  readonly title: string;
  readonly formatY: (value: number) => string;
  /** Told when the user zooms (undefined: zoomed out), so charts sharing the step axis follow. */
  readonly onZoom: (range: StepRange | undefined) => void;
}

export class SeriesChart {
  readonly element: HTMLElement;
  private readonly chart: Chart<'line', XY[]>;
  private readonly selection: HTMLElement;
  private lines: readonly ChartLine[] = [];
  private range: StepRange | undefined;
  private logScale = false;
  private frame = 0;

  constructor(private readonly options: SeriesChartOptions) {
    this.element = document.createElement('figure');
    this.element.className = 'series-chart';
    const caption = document.createElement('figcaption');
    caption.textContent = options.title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${options.title} over training steps`);
    this.selection = document.createElement('div');
    this.selection.className = 'zoom-selection';
    box.append(canvas, this.selection);
    this.element.append(caption, box);
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...FAST_LINE_OPTIONS,
        elements: { point: { radius: 0, hitRadius: 4 }, line: { tension: 0 } },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 8 } },
          y: { type: 'linear', ticks: { callback: (value) => options.formatY(Number(value)) } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => `step ${Number(items[0]?.parsed.x ?? 0).toLocaleString('en-US')}`,
              label: (item) => `${item.dataset.label}: ${options.formatY(Number(item.parsed.y))}`,
            },
          },
        },
      },
    });
    this.applyTheme();
    this.listenForZoom(canvas);
  }

  setLines(lines: readonly ChartLine[]): void {
    this.lines = lines;
  }

  setLogScale(on: boolean): void {
    this.logScale = on;
  }

  setRange(range: StepRange | undefined): void {
    this.range = range;
  }

  /** Redraws at the next frame; many updates in one frame draw once. */
  scheduleRedraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
    });
  }

  /** Redraws now and returns the milliseconds it took (also recorded as a performance measure). */
  redraw(): number {
    const started = performance.now();
    const xs = this.lines.flatMap((line) =>
      line.points.xs.length ? [line.points.xs[0], line.points.xs[line.points.xs.length - 1]] : [],
    );
    const from = this.range?.from ?? (xs.length ? Math.min(...xs) : 0);
    const to = this.range?.to ?? (xs.length ? Math.max(...xs) : 1);
    const buckets = Math.max(50, Math.round(this.chart.chartArea?.width ?? this.element.clientWidth ?? 600));
    this.chart.data.datasets = this.lines.map((line): ChartDataset<'line', XY[]> => ({
      label: line.label,
      data: decimateMinMax(line.points, from, to, buckets),
      borderColor: line.faint ? withAlpha(line.color, 0.35) : line.color,
      borderWidth: line.faint ? 1 : 2,
      pointRadius: 0,
      spanGaps: true,
    }));
    const x = this.chart.options.scales!.x!;
    x.min = from;
    x.max = to === from ? from + 1 : to;
    this.chart.options.scales!.y!.type = this.logScale ? 'logarithmic' : 'linear';
    this.chart.update('none');
    const elapsed = performance.now() - started;
    performance.measure(`chart-redraw:${this.options.title}`, { start: started, end: started + elapsed });
    return elapsed;
  }

  /** Re-reads the theme's colours (after a theme change). */
  applyTheme(): void {
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const text = themeColor('--vscode-descriptionForeground', '#888');
    for (const axis of Object.values(this.chart.options.scales ?? {})) {
      if (!axis) continue;
      axis.grid = { ...axis.grid, color: withAlpha(grid, 0.5) };
      axis.ticks = { ...axis.ticks, color: text };
    }
  }

  private listenForZoom(canvas: HTMLCanvasElement): void {
    let startX: number | undefined;
    const stepAt = (clientX: number) =>
      this.chart.scales.x.getValueForPixel(clientX - canvas.getBoundingClientRect().left);
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      startX = event.clientX;
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (startX === undefined) return;
      this.selection.style.left = `${Math.min(startX, event.clientX) - canvas.getBoundingClientRect().left}px`;
      this.selection.style.width = `${Math.abs(event.clientX - startX)}px`;
      this.selection.hidden = false;
    });
    canvas.addEventListener('pointerup', (event) => {
      if (startX === undefined) return;
      const dragged = Math.abs(event.clientX - startX);
      const [a, b] = [stepAt(startX), stepAt(event.clientX)];
      startX = undefined;
      this.selection.hidden = true;
      // A click is not a zoom: it takes a few pixels of drag.
      if (dragged >= 5 && a !== undefined && b !== undefined)
        this.options.onZoom({ from: Math.min(a, b), to: Math.max(a, b) });
    });
    canvas.addEventListener('dblclick', () => this.options.onZoom(undefined));
    // Keyboard: + and - zoom around the middle, arrows pan, 0 zooms out.
    canvas.tabIndex = 0;
    canvas.addEventListener('keydown', (event) => {
      const { min, max } = this.chart.scales.x;
      const span = max - min;
      const middle = (min + max) / 2;
      const zoom: Record<string, StepRange | undefined> = {
        '+': { from: middle - span / 4, to: middle + span / 4 },
        '=': { from: middle - span / 4, to: middle + span / 4 },
        '-': { from: middle - span, to: middle + span },
        ArrowLeft: { from: min - span / 4, to: max - span / 4 },
        ArrowRight: { from: min + span / 4, to: max + span / 4 },
      };
      if (event.key === '0') this.options.onZoom(undefined);
      else if (event.key in zoom) this.options.onZoom(zoom[event.key]);
      else return;
      event.preventDefault();
    });
    this.selection.hidden = true;
  }
}

/** A CSS colour with an alpha channel, for faint raw lines under smoothed ones. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const value = parseInt(hex[1], 16);
    return `rgba(${value >> 16}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
  }
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}
