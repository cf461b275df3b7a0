// Charts of qpos and action per dimension (chart.js): legends toggle series, a cursor follows the playhead, an
// optional sliding window, and a click seeks to the frame under the pointer.
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { PreviewSeries } from '../../src/protocol/episodePreview';
import { FAST_LINE_OPTIONS } from '../shared/chartOptions';
import { seriesStyle } from '../shared/seriesStyle';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

const Y_AXIS_WIDTH = 48;

interface ChartPanel {
  readonly series: PreviewSeries;
  readonly chart: Chart<'line', Array<{ x: number; y: number }>>;
  readonly cursor: HTMLElement;
}

export interface ChartCallbacks {
  seek(index: number): void;
  hiddenChanged(hidden: string[]): void;
}

export class SeriesCharts {
  readonly element = document.createElement('div');
  private readonly panels: ChartPanel[];
  private cursorIndex = 0;
  private windowFrames = 0;
  private lastWindowUpdate = 0;
  private windowUpdateCost = 0;
  private readonly themeWatch = new MutationObserver(() => this.applyTheme());

  constructor(
    series: readonly PreviewSeries[],
    private readonly frameCount: number,
    private hidden: Set<string>,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.element.className = 'charts';
    this.panels = series.filter((s) => s.values.length > 0).map((s) => this.createPanel(s));
    if (this.panels.length === 0) {
      this.element.classList.add('muted');
      this.element.textContent = 'This episode has no qpos or action arrays to plot.';
    }
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  dispose(): void {
    this.themeWatch.disconnect();
  }

  /** Moves the cursor; in sliding-window mode the charts scroll with it (re-laid out at most every few frames). */
  setCursor(index: number): void {
    this.cursorIndex = index;
    if (this.windowFrames > 0) {
      const now = performance.now();
      if (now - this.lastWindowUpdate >= Math.max(33, 4 * this.windowUpdateCost)) {
        this.lastWindowUpdate = now;
        this.applyWindow();
        this.windowUpdateCost = performance.now() - now;
      }
    }
    for (const panel of this.panels) this.placeCursor(panel);
  }

  /** 0 shows the whole episode; otherwise that many frames around the cursor. */
  setWindow(frames: number): void {
    this.windowFrames = frames;
    this.applyWindow();
    for (const panel of this.panels) this.placeCursor(panel);
  }

  private applyWindow(): void {
    const last = Math.max(1, this.frameCount - 1);
    let min = 0;
    let max = last;
    if (this.windowFrames > 0 && this.windowFrames < last) {
      min = Math.max(0, Math.min(last - this.windowFrames, this.cursorIndex - Math.floor(this.windowFrames / 2)));
      max = min + this.windowFrames;
    }
    for (const { chart } of this.panels) {
      const x = chart.options.scales!.x!;
      if (x.min === min && x.max === max) continue;
      x.min = min;
      x.max = max;
      chart.update('none');
    }
  }

  private createPanel(series: PreviewSeries): ChartPanel {
    const box = document.createElement('div');
    box.className = 'chart-box';
    box.dataset.series = series.name;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', `${series.name} per dimension over the episode; click to go to a frame`);
    const cursor = document.createElement('div');
    cursor.className = 'chart-cursor';
    box.append(canvas, cursor);
    this.element.append(box);
    const { dimensions, frameStep, values } = series;
    const frames = Math.floor(values.length / Math.max(1, dimensions));
    const datasets: Array<ChartDataset<'line', Array<{ x: number; y: number }>>> = Array.from(
      { length: dimensions },
      (_, d) => ({
        label: `${series.name}[${d}]`,
        data: Array.from({ length: frames }, (_, i) => ({ x: i * frameStep, y: values[i * dimensions + d]! })),
        hidden: this.hidden.has(`${series.name}:${d}`),
        borderWidth: 1.25,
        pointRadius: 0,
        borderDash: d === 6 ? [4, 3] : undefined,
      }),
    );
    const last = Math.max(1, this.frameCount - 1);
    // The chart renders once while it is constructed, before `panel` exists, in the theme's colours already.
    const built: { panel?: ChartPanel } = {};
    const scales = {
      x: {
        type: 'linear' as const,
        min: 0,
        max: last,
        ticks: { precision: 0, maxTicksLimit: 12, includeBounds: false },
        grid: {},
      },
      // One width for every chart's value axis, so that their frame axes (and cursors) line up.
      y: {
        type: 'linear' as const,
        ticks: {},
        grid: {},
        afterFit: (axis: { width: number }) => {
          axis.width = Y_AXIS_WIDTH;
        },
      },
    };
    const colors = applyTheme(datasets, scales);
    const chart = new Chart<'line', Array<{ x: number; y: number }>>(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        ...FAST_LINE_OPTIONS,
        color: colors.foreground,
        scales,
        plugins: {
          legend: {
            position: 'top',
            align: 'end',
            labels: { boxWidth: 10, boxHeight: 10 },
            onClick: (_event, item, legend) => {
              const index = item.datasetIndex ?? 0;
              const visible = legend.chart.isDatasetVisible(index);
              legend.chart.setDatasetVisibility(index, !visible);
              legend.chart.update('none');
              const key = `${series.name}:${index}`;
              if (visible) this.hidden.add(key);
              else this.hidden.delete(key);
              this.callbacks.hiddenChanged([...this.hidden]);
            },
          },
          tooltip: {
            mode: 'index',
            intersect: false,
            callbacks: { title: (items) => `frame ${items[0]?.parsed.x ?? ''}` },
          },
        },
        onClick: (event) => {
          if (event.x === null) return;
          const value = chart.scales.x!.getValueForPixel(event.x);
          if (value !== undefined) this.callbacks.seek(Math.max(0, Math.min(last, Math.round(value))));
        },
      },
      plugins: [{ id: 'cursorFollowsLayout', afterRender: () => built.panel && this.placeCursor(built.panel) }],
    });
    const panel: ChartPanel = { series, chart, cursor };
    built.panel = panel;
    return panel;
  }

  /** The cursor is an element over the chart, so moving it costs no chart redraw. */
  private placeCursor(panel: ChartPanel): void {
    const { chart, cursor } = panel;
    const area = chart.chartArea;
    const x = chart.scales.x;
    if (!area || !x) return;
    const pixel = x.getPixelForValue(this.cursorIndex);
    const inside = pixel >= area.left - 0.5 && pixel <= area.right + 0.5;
    cursor.hidden = !inside;
    cursor.style.transform = `translateX(${pixel.toFixed(1)}px)`;
    cursor.style.top = `${area.top}px`;
    cursor.style.height = `${area.bottom - area.top}px`;
  }

  private applyTheme(): void {
    for (const { chart } of this.panels) {
      chart.options.color = applyTheme(chart.data.datasets, chart.options.scales as unknown as ThemedScales).foreground;
      chart.update('none');
    }
  }
}

interface ThemedAxis {
  ticks: Record<string, unknown>;
  grid: object;
}

/** The x and y scales every chart here is configured with. */
interface ThemedScales {
  readonly x: ThemedAxis;
  readonly y: ThemedAxis;
}

/**
 * Colours come from the theme's variables, re-read when the theme changes: the lines' on the datasets, the axes' on
 * the scales (a new chart's configuration, or a chart's options). Returns the text colour, for the options' `color`.
 */
function applyTheme(
  datasets: ReadonlyArray<ChartDataset<'line', Array<{ x: number; y: number }>>>,
  scales: ThemedScales,
): { foreground: string } {
  const css = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const foreground = color('--vscode-foreground', 'gray');
  const lines = color('--vscode-charts-lines', foreground);
  datasets.forEach((dataset, d) => {
    const style = seriesStyle(d);
    const seriesColor = color(style.colorVariable, foreground);
    dataset.borderColor = seriesColor;
    dataset.backgroundColor = seriesColor;
    dataset.borderDash = style.dash;
  });
  for (const axis of [scales.x, scales.y]) {
    axis.ticks.color = color('--vscode-descriptionForeground', foreground);
    axis.grid = { ...axis.grid, color: lines };
  }
  return { foreground };
}
