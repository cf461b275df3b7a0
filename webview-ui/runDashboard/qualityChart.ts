// A small line chart of quality figures (over validation steps, or over the prediction horizon) whose main line's
// points are real buttons laid over the canvas: they take clicks, keyboard focus (one tab stop, arrows move) and
// screen-reader labels, which canvas pixels cannot.
import { Chart, LineController, LineElement, LinearScale, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import { themeColor } from './theme';
import { withAlpha } from './seriesChart';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

export interface QualityLine {
  readonly label: string;
  readonly color: string;
  /** One value per x; null leaves a gap. */
  readonly values: readonly (number | null)[];
  /** The main line: drawn bold; with `onPoint`, its points are buttons. */
  readonly bold?: boolean;
  /** Its own xs (another run validates at other steps); the chart's otherwise. */
  readonly xs?: readonly number[];
  /** Another run's line: dashed, so it is told apart from this run's. */
  readonly dashed?: boolean;
}

export interface QualityChartOptions {
  readonly title: string;
  /** What the x values are, for the canvas's label and the tooltip ("step", "predicted frame"). */
  readonly xName: string;
  readonly formatY: (value: number) => string;
  /** A point of the main line was clicked or pressed: its index among the xs. */
  readonly onPoint?: (index: number) => void;
  /** The accessible name of the main line's point at `index`. */
  readonly pointLabel?: (index: number) => string;
}

type XY = { x: number; y: number | null };

export class QualityChart {
  readonly element = document.createElement('figure');
  private readonly chart: Chart<'line', XY[]>;
  private readonly points = document.createElement('div');
  private xs: readonly number[] = [];
  private lines: readonly QualityLine[] = [];
  private focused = 0;
  /** The points the buttons stand for: the same points keep their buttons, and with them the keyboard focus. */
  private pointsShown = '';

  constructor(private readonly options: QualityChartOptions) {
    this.element.className = 'series-chart quality-chart';
    const caption = document.createElement('figcaption');
    caption.textContent = options.title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${options.title} by ${options.xName}`);
    this.points.className = 'chart-points';
    this.points.setAttribute('role', 'group');
    this.points.setAttribute('aria-label', `${options.title}: points`);
    this.points.addEventListener('keydown', (event) => this.onKey(event));
    box.append(canvas, this.points);
    this.element.append(caption, box);
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 10, precision: 0 } },
          y: { type: 'linear', ticks: { callback: (value) => options.formatY(Number(value)) } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => `${options.xName} ${Number(items[0]?.parsed.x ?? 0).toLocaleString('en-US')}`,
              label: (item) => `${item.dataset.label}: ${options.formatY(Number(item.parsed.y))}`,
            },
          },
        },
      },
      // The buttons follow the points after every layout (a resize moves them).
      plugins: [{ id: 'point-buttons', afterDraw: () => this.placePoints() }],
    });
  }

  /** New data; the chart is drawn when it is on screen. */
  set(xs: readonly number[], lines: readonly QualityLine[]): void {
    this.xs = xs;
    this.lines = lines;
    this.focused = Math.min(this.focused, Math.max(0, xs.length - 1));
    const main = this.options.onPoint && lines.find((line) => line.bold);
    const shown = JSON.stringify([xs, main?.values, main?.color]);
    if (shown === this.pointsShown) return this.redraw();
    this.pointsShown = shown;
    const hadFocus = this.points.contains(document.activeElement);
    const buttons = main
      ? xs.flatMap((_, index) => {
          if (main.values[index] === null || main.values[index] === undefined) return [];
          const point = document.createElement('button');
          point.className = 'chart-point';
          point.dataset.index = String(index);
          point.dataset.x = String(xs[index]);
          point.tabIndex = index === this.focused ? 0 : -1;
          const label = this.options.pointLabel?.(index) ?? `${this.options.xName} ${xs[index]}`;
          point.setAttribute('aria-label', label);
          point.title = label;
          point.style.borderColor = main.color;
          point.addEventListener('click', () => this.options.onPoint!(index));
          return [point];
        })
      : [];
    this.points.replaceChildren(...buttons);
    if (hadFocus) buttons.find((button) => button.tabIndex === 0)?.focus();
    this.redraw();
  }

  redraw(): void {
    this.chart.data.datasets = this.lines.map((line): ChartDataset<'line', XY[]> => ({
      label: line.label,
      data: (line.xs ?? this.xs).map((x, index) => ({ x, y: line.values[index] ?? null })),
      borderColor: line.bold || line.dashed ? line.color : withAlpha(line.color, 0.8),
      backgroundColor: line.color,
      borderWidth: line.bold ? 3 : line.dashed ? 2 : 1.5,
      borderDash: line.dashed ? [6, 4] : [],
      pointRadius: line.bold ? 4 : 2,
      spanGaps: false,
    }));
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const text = themeColor('--vscode-descriptionForeground', '#888');
    for (const axis of Object.values(this.chart.options.scales ?? {})) {
      if (!axis) continue;
      axis.grid = { ...axis.grid, color: withAlpha(grid, 0.5) };
      axis.ticks = { ...axis.ticks, color: text };
    }
    const x = this.chart.options.scales!.x!;
    const all = [...this.xs, ...this.lines.flatMap((line) => line.xs ?? [])];
    const [first, last] = all.length > 0 ? [Math.min(...all), Math.max(...all)] : [0, 1];
    // A little room either side so the end points (and their buttons) are not cut in half.
    const pad = Math.max(1, (last - first) * 0.04);
    x.min = first - pad;
    x.max = last + pad;
    this.chart.update('none');
  }

  private placePoints(): void {
    const main = this.lines.find((line) => line.bold);
    if (!main) return;
    const { x, y } = this.chart.scales;
    if (!x || !y) return;
    for (const point of this.points.querySelectorAll<HTMLElement>('.chart-point')) {
      const index = Number(point.dataset.index);
      point.style.left = `${x.getPixelForValue(this.xs[index]!)}px`;
      point.style.top = `${y.getPixelForValue(main.values[index]!)}px`;
    }
  }

  /** One tab stop for all the points: arrows, Home and End move between them. */
  private onKey(event: KeyboardEvent): void {
    const buttons = [...this.points.querySelectorAll<HTMLButtonElement>('.chart-point')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const moves: Record<string, number> = {
      ArrowLeft: at - 1,
      ArrowDown: at - 1,
      ArrowRight: at + 1,
      ArrowUp: at + 1,
      Home: 0,
      End: buttons.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, moves[event.key]!))]!;
    for (const button of buttons) button.tabIndex = button === next ? 0 : -1;
    this.focused = Number(next.dataset.index);
    next.focus();
  }
}
