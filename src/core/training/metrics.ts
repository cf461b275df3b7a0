// The training curves a dashboard draws, built from the log parser's progress events: train_loss (Ctrl-World's
// mean over each window of 100 steps), the learning rate when a fork logs one, and the step rate.
import type { LogEvent, Progress } from './logParser';

export type MetricName = 'loss' | 'lr' | 'rate';
export const METRIC_NAMES: readonly MetricName[] = ['loss', 'lr', 'rate'];

/**
 * Upstream sums the step losses of each 100 steps into the tqdm postfix (`loss=<sum>`) and logs
 * train_loss = sum / 100 at the step that closes the window.
 */
export const LOSS_WINDOW = 100;

/** The one loss every view shows: upstream's train_loss (the postfix's window sum / 100), W&B's number too. */
export function trainLoss(progress: Pick<Progress, 'loss'> | undefined): number | undefined {
  return progress?.loss === undefined ? undefined : Number((progress.loss / LOSS_WINDOW).toPrecision(3));
}

/** What train_loss is, for tooltips. */
export const TRAIN_LOSS_MEANING = `train_loss: the mean step loss of the last ${LOSS_WINDOW} steps (tqdm's loss= is their sum), as W&B shows it`;

/** Points of one series, steps increasing. */
export interface SeriesData {
  readonly steps: number[];
  readonly values: number[];
}

/** What changed in a series: drop every point from `start` on, then append these (a replaced last point included). */
export interface SeriesUpdate extends SeriesData {
  readonly metric: MetricName;
  readonly start: number;
}

class Series implements SeriesData {
  readonly steps: number[] = [];
  readonly values: number[] = [];
  /** The first index changed since the last `takeUpdate`; Infinity when nothing did. */
  private dirtyFrom = Infinity;

  constructor(readonly metric: MetricName) {}

  /** Sets the value at `step`: a new last point, or a new value for the last one. Earlier steps are ignored. */
  set(step: number, value: number): void {
    const last = this.steps.length - 1;
    if (last >= 0 && step < this.steps[last]) return;
    if (last >= 0 && step === this.steps[last]) {
      if (Object.is(this.values[last], value)) return;
      this.values[last] = value;
      this.dirtyFrom = Math.min(this.dirtyFrom, last);
      return;
    }
    this.steps.push(step);
    this.values.push(value);
    this.dirtyFrom = Math.min(this.dirtyFrom, this.steps.length - 1);
  }

  takeUpdate(): SeriesUpdate | undefined {
    if (this.dirtyFrom === Infinity) return undefined;
    const start = this.dirtyFrom;
    this.dirtyFrom = Infinity;
    return { metric: this.metric, start, steps: this.steps.slice(start), values: this.values.slice(start) };
  }

  restore(data: SeriesData): void {
    // A loop, not push(...data): a spread of 100k arguments overflows the stack.
    this.steps.length = 0;
    this.values.length = 0;
    for (let i = 0; i < data.steps.length; i++) {
      this.steps.push(data.steps[i]);
      this.values.push(data.values[i]);
    }
    this.dirtyFrom = 0;
  }
}

export type MetricsSnapshot = Readonly<Record<MetricName, SeriesData>>;

export class RunMetrics {
  private readonly series: Record<MetricName, Series> = {
    loss: new Series('loss'),
    lr: new Series('lr'),
    rate: new Series('rate'),
  };
  /** The latest progress line: step/total, it/s, elapsed and ETA for a header. */
  latest: Progress | undefined;

  /** Takes the parser's events; a repeated event changes nothing, so a log may be read again from an earlier line. */
  ingest(events: readonly LogEvent[]): void {
    for (const event of events) {
      if (event.kind === 'progress') this.progress(event.progress);
    }
  }

  private progress(progress: Progress): void {
    if (this.latest === undefined || progress.step >= this.latest.step) this.latest = progress;
    const window = Math.floor(progress.step / LOSS_WINDOW);
    // The bar is redrawn at the window's last step before the trainer sets the new postfix, so a window's first
    // value may still be the previous window's: the last value seen within a window wins.
    if (progress.loss !== undefined && window >= 1)
      this.series.loss.set(window * LOSS_WINDOW, progress.loss / LOSS_WINDOW);
    if (progress.learningRate !== undefined) this.series.lr.set(progress.step, progress.learningRate);
    if (progress.rate !== undefined && progress.step > 0) this.series.rate.set(progress.step, progress.rate);
  }

  /** The changes since the last call, one per series that changed. */
  takeUpdates(): SeriesUpdate[] {
    return METRIC_NAMES.map((name) => this.series[name].takeUpdate()).filter(
      (update): update is SeriesUpdate => update !== undefined,
    );
  }

  /** The series as they are (shared, not copied: read them before the next ingest). */
  snapshot(): MetricsSnapshot {
    const data = (name: MetricName): SeriesData => ({
      steps: this.series[name].steps,
      values: this.series[name].values,
    });
    return { loss: data('loss'), lr: data('lr'), rate: data('rate') };
  }

  restore(snapshot: MetricsSnapshot, latest?: Progress): void {
    for (const name of METRIC_NAMES) this.series[name].restore(snapshot[name]);
    this.latest = latest;
  }

  get pointCount(): number {
    return METRIC_NAMES.reduce((sum, name) => sum + this.series[name].steps.length, 0);
  }
}
