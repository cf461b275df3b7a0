// The Quality tab: PSNR and SSIM of the validation videos per step (a thin line per view, the mean bold), the
// curve over the prediction horizon for a chosen step, what is measured and how, and the background measuring's
// progress with Cancel. A point of the step charts opens that step's videos in the Samples tab. Compared runs
// (picked here or on the Metrics tab) overlay their mean per validation step as dashed lines.
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type {
  CompareQualityView,
  CompareRun,
  QualityScore,
  QualityStepRow,
  QualityView,
} from '../../src/protocol/runDashboard';
import { button, element } from './dom';
import { QualityChart, type QualityLine } from './qualityChart';
import { seriesColors } from './theme';

export interface QualityActions {
  measure(): void;
  cancel(): void;
  /** Shows the step's videos, its worst tile marked. */
  open(row: QualityStepRow): void;
  compareAdd(): void;
  compareRemove(key: string): void;
}

const VIEWS = ['view 0', 'view 1', 'view 2'];
const formatSsim = (value: number) => value.toFixed(4);
const formatPsnr = (value: number) => `${value.toFixed(1)} dB`;

export class QualityTab {
  readonly element = element('section', 'quality-tab');
  private readonly status = element('div', 'quality-status');
  private readonly failures = element('div', 'warning-banner quality-failures');
  private readonly empty = element('p', 'muted quality-empty');
  private readonly method = element('p', 'muted quality-method');
  private readonly compareBar = element('div', 'quality-compare');
  private readonly chips = element('div', 'compare-chips');
  private readonly legend = element('ul', 'quality-legend');
  private compared: readonly CompareRun[] = [];
  private readonly comparedQuality = new Map<string, CompareQualityView>();
  private readonly psnr: QualityChart;
  private readonly ssim: QualityChart;
  private readonly horizonSsim: QualityChart;
  private readonly horizonPsnr: QualityChart;
  private readonly horizon = element('section', 'quality-horizon');
  private readonly stepSelect = document.createElement('select');
  private steps: readonly QualityStepRow[] = [];
  /** The steps last drawn: progress alone redraws nothing, so a focused point keeps its focus. */
  private drawn = '';
  /** The step of the horizon curve: the user's choice, else the newest (it moves on as new steps are measured). */
  private chosen: number | undefined;
  private picked = false;

  constructor(private readonly actions: QualityActions) {
    const pointLabel = (metric: 'psnr' | 'ssim') => (index: number) => {
      const row = this.steps[index]!;
      const value = row[metric];
      const figure = value === null ? 'no value' : metric === 'psnr' ? formatPsnr(value) : formatSsim(value);
      return `Step ${row.step.toLocaleString('en-US')}: ${metric.toUpperCase()} ${figure}. Open its videos.`;
    };
    const onPoint = (index: number) => this.open(index);
    this.psnr = new QualityChart({
      title: 'PSNR per validation step (dB)',
      xName: 'step',
      formatY: (v) => v.toFixed(1),
      onPoint,
      pointLabel: pointLabel('psnr'),
    });
    this.ssim = new QualityChart({
      title: 'SSIM per validation step',
      xName: 'step',
      formatY: (v) => v.toFixed(3),
      onPoint,
      pointLabel: pointLabel('ssim'),
    });
    this.horizonSsim = new QualityChart({ title: 'SSIM', xName: 'predicted frame', formatY: (v) => v.toFixed(3) });
    this.horizonPsnr = new QualityChart({ title: 'PSNR (dB)', xName: 'predicted frame', formatY: (v) => v.toFixed(1) });
    this.empty.textContent =
      'No validation video measured yet. Ctrl-World writes samples/train_steps_<step>_<i>.mp4 at each validation step.';
    this.stepSelect.setAttribute('aria-label', 'Validation step of the horizon curve');
    this.stepSelect.addEventListener('change', () => {
      this.chosen = Number(this.stepSelect.value);
      this.picked = true;
      this.drawHorizon();
    });
    const heading = element('h2', undefined, 'Quality over the prediction horizon at ');
    heading.append(this.stepSelect);
    const charts = element('div', 'horizon-charts');
    charts.append(this.horizonSsim.element, this.horizonPsnr.element);
    this.horizon.append(heading, charts);
    this.failures.hidden = true;
    this.compareBar.append(
      button('Compare runs…', 'add', () => this.actions.compareAdd(), 'Overlay the quality of other runs'),
      this.chips,
    );
    this.legend.setAttribute('aria-label', 'Lines of the step charts');
    this.element.append(
      this.status,
      this.failures,
      this.method,
      this.compareBar,
      this.empty,
      this.legend,
      this.ssim.element,
      this.psnr.element,
      this.horizon,
    );
  }

  /** The runs overlaid (the same as the Metrics tab's), each with how far its measuring is. */
  setCompared(runs: readonly CompareRun[]): void {
    this.compared = runs;
    for (const key of [...this.comparedQuality.keys()])
      if (!runs.some((run) => run.key === key)) this.comparedQuality.delete(key);
    this.renderCompared();
  }

  setCompareQuality(run: string, view: CompareQualityView): void {
    if (!this.compared.some((compared) => compared.key === run)) return;
    this.comparedQuality.set(run, view);
    this.renderCompared();
  }

  private renderCompared(): void {
    const colors = seriesColors();
    this.chips.replaceChildren(
      ...this.compared.map((run, i) => {
        const chip = element('span', 'chip');
        chip.dataset.label = run.label;
        chip.style.borderColor = colors[(i + 1) % colors.length]!;
        chip.append(
          element('span', undefined, run.label),
          element('span', 'muted compare-text', this.comparedQuality.get(run.key)?.text ?? 'reading its outputs…'),
          button('', 'close', () => this.actions.compareRemove(run.key), `Stop comparing ${run.label}`),
        );
        return chip;
      }),
    );
    this.layout();
    this.redraw();
  }

  /** Charts and legend shown when there is something to draw: this run's steps or a compared run's. */
  private layout(): void {
    const compared = this.comparedLines('ssim').length > 0;
    this.empty.hidden = this.steps.length > 0 || compared;
    for (const part of [this.ssim.element, this.psnr.element, this.legend])
      part.hidden = this.steps.length === 0 && !compared;
    this.horizon.hidden = this.steps.length === 0;
    const colors = seriesColors();
    const item = (label: string, color: string, kind: string) => {
      const entry = element('li', kind);
      const swatch = element('span', 'swatch');
      swatch.style.borderColor = color;
      entry.append(swatch, element('span', undefined, label));
      return entry;
    };
    this.legend.replaceChildren(
      ...(this.steps.length > 0
        ? [
            ...VIEWS.map((label, view) => item(label, colors[(view + 1) % colors.length]!, 'thin')),
            item('this run, mean', colors[0]!, 'bold'),
          ]
        : []),
      ...this.comparedLines('ssim').map((line) => item(line.label, line.color, 'dashed')),
    );
  }

  update(view: QualityView): void {
    this.renderStatus(view);
    this.method.textContent = view.method;
    this.failures.hidden = view.failures.length === 0;
    this.failures.replaceChildren(
      element('strong', undefined, 'Not measured: '),
      ...view.failures.map((failure) => element('div', undefined, failure)),
    );
    const signature = JSON.stringify(view.steps);
    if (signature === this.drawn) return;
    this.drawn = signature;
    this.steps = view.steps;
    this.layout();
    if (!this.picked || !this.steps.some((row) => row.step === this.chosen))
      this.chosen = this.steps[this.steps.length - 1]?.step;
    this.stepSelect.replaceChildren(
      ...[...this.steps]
        .reverse()
        .map(
          (row) =>
            new Option(`step ${row.step.toLocaleString('en-US')}`, String(row.step), false, row.step === this.chosen),
        ),
    );
    this.redraw();
  }

  /** Draws the charts (they have no size while the tab is hidden). */
  redraw(): void {
    if (this.steps.length === 0 && this.comparedLines('ssim').length === 0) return;
    const xs = this.steps.map((row) => row.step);
    this.ssim.set(xs, this.stepLines('ssim'));
    this.psnr.set(xs, this.stepLines('psnr'));
    this.drawHorizon();
  }

  private stepLines(metric: keyof QualityScore): QualityLine[] {
    const colors = seriesColors();
    const own: QualityLine[] =
      this.steps.length === 0
        ? []
        : [
            ...VIEWS.map((label, view) => ({
              label,
              color: colors[(view + 1) % colors.length]!,
              values: this.steps.map((row) => row.perView[view]?.[metric] ?? null),
            })),
            { label: 'this run, mean', color: colors[0]!, values: this.steps.map((row) => row[metric]), bold: true },
          ];
    return [...own, ...this.comparedLines(metric)];
  }

  /** A dashed line per compared run with measured steps, in its colour on the Metrics tab. */
  private comparedLines(metric: keyof QualityScore): QualityLine[] {
    const colors = seriesColors();
    return this.compared.flatMap((run, i) => {
      const steps = this.comparedQuality.get(run.key)?.steps ?? [];
      if (steps.length === 0) return [];
      return [
        {
          label: `${run.label}, mean`,
          color: colors[(i + 1) % colors.length]!,
          xs: steps.map((row) => row.step),
          values: steps.map((row) => row[metric]),
          dashed: true,
        },
      ];
    });
  }

  private drawHorizon(): void {
    const row = this.steps.find((candidate) => candidate.step === this.chosen);
    if (!row) return;
    const xs = row.perHorizon.map((_, index) => index + 1);
    const color = seriesColors()[0]!;
    const line = (metric: keyof QualityScore): QualityLine[] => [
      { label: `step ${row.step}`, color, values: row.perHorizon.map((score) => score[metric]), bold: true },
    ];
    this.horizonSsim.set(xs, line('ssim'));
    this.horizonPsnr.set(xs, line('psnr'));
  }

  private open(index: number): void {
    const row = this.steps[index];
    if (!row) return;
    this.chosen = row.step;
    this.picked = true;
    this.stepSelect.value = String(row.step);
    this.drawHorizon();
    this.actions.open(row);
  }

  private renderStatus(view: QualityView): void {
    const parts: HTMLElement[] = [];
    if (view.status === 'measuring' && view.progress) {
      const bar = document.createElement('vscode-progress-bar') as HTMLElement & { value: number; max: number };
      bar.value = view.progress.done;
      bar.max = view.progress.total;
      bar.setAttribute('aria-label', `Measured ${view.progress.done} of ${view.progress.total} videos`);
      parts.push(
        bar,
        element(
          'span',
          undefined,
          `Measuring video ${view.progress.done + 1} of ${view.progress.total} (fetched from the host, decoded by ffmpeg on this machine)…`,
        ),
        button('Cancel', 'close', () => this.actions.cancel(), 'Stop measuring; what was measured stays'),
      );
    } else if (view.status === 'waiting') {
      parts.push(element('span', 'muted', "Waiting for the run's config (its tile size and num_history)…"));
    } else if (view.left > 0) {
      parts.push(
        element('span', undefined, `${view.left} video${view.left === 1 ? '' : 's'} not measured yet.`),
        button('Measure', 'play', () => this.actions.measure(), 'Fetch and measure the videos not measured yet'),
      );
    } else if (view.steps.length > 0) {
      const videos = view.steps.reduce((sum, row) => sum + row.videos, 0);
      parts.push(
        element('span', 'muted', `All ${videos} finished validation video${videos === 1 ? '' : 's'} measured.`),
      );
    }
    this.status.dataset.status = view.status;
    this.status.replaceChildren(...parts);
  }
}
