// The Metrics tab: train_loss with EMA smoothing, log scale and zoom, the learning rate when the log has one, and
// the step rate; compared runs overlay their loss. All charts share the step axis, so a zoom applies to each.
import type { CompareRun, MetricName, SeriesMessage } from '../../src/protocol/runDashboard';
import { SeriesChart, type ChartLine, type StepRange } from './seriesChart';
import { emaSmooth } from './smoothing';
import { seriesColors } from './theme';
import { button, checkbox, element } from './dom';

interface SeriesArrays {
  steps: number[];
  values: number[];
}

export interface MetricsSettings {
  smoothing: number;
  logScale: boolean;
}

const OWN_RUN = '';

export class MetricsTab {
  readonly element = element('section', 'metrics-tab');
  private readonly series = new Map<string, Record<MetricName, SeriesArrays>>();
  private readonly smoothed = new Map<string, { length: number; weight: number; values: Float64Array }>();
  private compared: readonly CompareRun[] = [];
  private readonly loss: SeriesChart;
  private readonly lr: SeriesChart;
  private readonly rate: SeriesChart;
  private readonly chips = element('div', 'compare-chips');
  private readonly empty = element('p', 'muted chart-empty');

  constructor(
    private readonly settings: MetricsSettings,
    private readonly onSettings: (settings: MetricsSettings) => void,
    private readonly onCompareAdd: () => void,
    private readonly onCompareRemove: (key: string) => void,
  ) {
    const onZoom = (range: StepRange | undefined) => this.zoom(range);
    this.loss = new SeriesChart({ title: 'train_loss', formatY: (v) => formatNumber(v), onZoom });
    this.lr = new SeriesChart({ title: 'Learning rate', formatY: (v) => v.toExponential(1), onZoom });
    this.rate = new SeriesChart({ title: 'Step rate (it/s)', formatY: (v) => v.toFixed(2), onZoom });
    this.empty.textContent = 'No loss yet: Ctrl-World logs train_loss every 100 steps.';
    this.element.append(this.toolbar(), this.chips, this.empty, this.loss.element, this.lr.element, this.rate.element);
    this.lr.element.hidden = true;
  }

  private toolbar(): HTMLElement {
    const bar = element('div', 'toolbar');
    const label = element('label', 'smoothing');
    label.textContent = 'Smoothing ';
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.99';
    slider.step = '0.01';
    slider.value = String(this.settings.smoothing);
    slider.setAttribute('aria-label', 'EMA smoothing of train_loss');
    const value = element('span', 'smoothing-value');
    value.textContent = this.settings.smoothing.toFixed(2);
    slider.addEventListener('input', () => {
      this.settings.smoothing = Number(slider.value);
      value.textContent = this.settings.smoothing.toFixed(2);
      this.onSettings(this.settings);
      this.redrawLoss();
    });
    label.append(slider, value);
    const log = checkbox('Log scale', this.settings.logScale, (on) => {
      this.settings.logScale = on;
      this.onSettings(this.settings);
      this.loss.setLogScale(on);
      this.loss.redraw();
    });
    this.loss.setLogScale(this.settings.logScale);
    bar.append(
      label,
      log,
      button('Reset zoom', 'zoom-out', () => this.zoom(undefined)),
      button('Compare runs…', 'add', this.onCompareAdd),
    );
    return bar;
  }

  applySeries(message: SeriesMessage): void {
    const key = message.run ?? OWN_RUN;
    let runSeries = this.series.get(key);
    if (!runSeries) {
      runSeries = { loss: { steps: [], values: [] }, lr: { steps: [], values: [] }, rate: { steps: [], values: [] } };
      this.series.set(key, runSeries);
    }
    if (message.metric === 'loss') this.smoothed.delete(key);
    const target = runSeries[message.metric];
    target.steps.length = Math.min(target.steps.length, message.start);
    target.values.length = target.steps.length;
    for (let i = 0; i < message.steps.length; i++) {
      target.steps.push(message.steps[i]);
      target.values.push(message.values[i]);
    }
    this.chartFor(message.metric).setLines(this.linesFor(message.metric));
    this.updateVisibility();
    this.chartFor(message.metric).scheduleRedraw();
  }

  setCompared(runs: readonly CompareRun[]): void {
    this.compared = runs;
    for (const key of [...this.series.keys()])
      if (key !== OWN_RUN && !runs.some((run) => run.key === key)) this.series.delete(key);
    this.chips.replaceChildren(
      ...runs.map((run, i) => {
        const chip = element('span', 'chip');
        chip.style.borderColor = seriesColors()[(i + 1) % seriesColors().length];
        chip.textContent = run.label;
        chip.append(button('', 'close', () => this.onCompareRemove(run.key), `Stop comparing ${run.label}`));
        return chip;
      }),
    );
    this.redrawLoss();
  }

  /** Redraws every chart at once; returns the milliseconds each took. */
  redrawAll(): number[] {
    this.loss.setLines(this.linesFor('loss'));
    this.lr.setLines(this.linesFor('lr'));
    this.rate.setLines(this.linesFor('rate'));
    this.updateVisibility();
    return [this.loss.redraw(), ...(this.lr.element.hidden ? [] : [this.lr.redraw()]), this.rate.redraw()];
  }

  private redrawLoss(): void {
    this.loss.setLines(this.linesFor('loss'));
    this.loss.redraw();
  }

  private zoom(range: StepRange | undefined): void {
    for (const chart of [this.loss, this.lr, this.rate]) chart.setRange(range);
    this.redrawAll();
  }

  private chartFor(metric: MetricName): SeriesChart {
    return metric === 'loss' ? this.loss : metric === 'lr' ? this.lr : this.rate;
  }

  private linesFor(metric: MetricName): ChartLine[] {
    const colors = seriesColors();
    const own = this.series.get(OWN_RUN)?.[metric];
    if (metric !== 'loss')
      return own
        ? [
            {
              label: metric === 'lr' ? 'learning rate' : 'it/s',
              color: colors[0],
              points: { xs: own.steps, ys: own.values },
            },
          ]
        : [];
    const lines: ChartLine[] = [];
    const runs = [{ key: OWN_RUN, label: 'this run' }, ...this.compared];
    runs.forEach((run, i) => {
      const data = this.series.get(run.key)?.loss;
      if (!data || data.steps.length === 0) return;
      const color = colors[i % colors.length];
      if (run.key === OWN_RUN || this.settings.smoothing === 0)
        lines.push({
          label: `${run.label} (raw)`,
          color,
          points: { xs: data.steps, ys: data.values },
          faint: this.settings.smoothing > 0,
        });
      if (this.settings.smoothing > 0)
        lines.push({ label: run.label, color, points: { xs: data.steps, ys: this.smooth(run.key, data) } });
    });
    return lines;
  }

  private smooth(key: string, data: SeriesArrays): Float64Array {
    const weight = this.settings.smoothing;
    const cached = this.smoothed.get(key);
    if (cached && cached.length === data.values.length && cached.weight === weight && data.values.length > 0)
      return cached.values;
    const values = emaSmooth(data.values, weight);
    this.smoothed.set(key, { length: data.values.length, weight, values });
    return values;
  }

  private updateVisibility(): void {
    const own = this.series.get(OWN_RUN);
    this.empty.hidden = (own?.loss.steps.length ?? 0) > 0 || this.compared.length > 0;
    this.lr.element.hidden = (own?.lr.steps.length ?? 0) === 0;
  }
}

/** Loss values: 3 significant figures, exponent for tiny ones. */
export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}
