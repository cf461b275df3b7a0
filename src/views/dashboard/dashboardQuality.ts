// The quality of one dashboard's validation videos: scores already measured are read from the cache whenever the
// folder changes; the rest are measured in the background, newest step first, once the Quality or Checkpoints tab
// asks, with progress in the tab and the status bar, until done or cancelled.
import * as vscode from 'vscode';
import { CancelledError, describeError, UserFacingError } from '../../core/errors';
import { checkpointQualities, stepQualities } from '../../core/quality/runQuality';
import type { QualityLayout, SampleQuality } from '../../core/quality/sampleQuality';
import type { OutputListing, SampleFile } from '../../core/training/outputs';
import type { QualityView } from '../../protocol/runDashboard';
import type { QualityLibrary } from '../../training/qualityLibrary';
import { qualityView } from './presentQuality';

const version = (sample: SampleFile) => `${sample.size}:${sample.mtimeMs}`;

export class DashboardQuality implements vscode.Disposable {
  /** By sample path, with the version of the file that was measured. */
  private readonly results = new Map<string, { version: string; result: SampleQuality }>();
  private readonly failures = new Map<string, { version: string; message: string }>();
  private samples: readonly SampleFile[] = [];
  private checkpointSteps: readonly number[] = [];
  private layout: QualityLayout | undefined;
  private running: AbortController | undefined;
  private progress: { done: number; total: number } | undefined;
  /** Asked to measure (a tab was shown or the button pressed). */
  private wanted = false;
  /** The user cancelled (or ffmpeg is missing): shown tabs no longer start measuring, the button does. */
  private cancelled = false;
  private disposed = false;
  /** What the webview was last sent, so an unchanged view is not sent again. */
  private sent = '';

  constructor(
    private readonly host: string,
    private readonly library: QualityLibrary,
    private readonly onChange: (view: QualityView) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The folder or the config changed: known scores come from the cache, and measuring goes on when asked. */
  async update(listing: OutputListing, layout: QualityLayout | undefined): Promise<void> {
    if (JSON.stringify(layout) !== JSON.stringify(this.layout)) {
      this.running?.abort();
      this.results.clear();
      this.failures.clear();
    }
    this.layout = layout;
    this.checkpointSteps = listing.checkpoints.map((checkpoint) => checkpoint.step);
    // Only finished videos: one being written would be measured half-made.
    this.samples = listing.samples.filter((sample) => sample.exists && !sample.writing);
    const present = new Set(this.samples.map((sample) => sample.path));
    for (const key of this.results.keys()) if (!present.has(key)) this.results.delete(key);
    if (layout) {
      await Promise.all(
        this.todo().map(async (sample) => {
          const result = await this.library.cached(this.host, sample, layout);
          if (result) this.results.set(sample.path, { version: version(sample), result });
        }),
      );
    }
    this.changed();
    if (this.wanted && !this.cancelled) void this.measure();
  }

  /** `auto`: a tab was shown, which does not undo a cancel; the tab's button does. */
  request(auto: boolean): void {
    if (auto && this.cancelled) return;
    // Asked by hand: videos that failed are tried again (ffmpeg may have been installed since).
    if (!auto) this.failures.clear();
    this.cancelled = false;
    this.wanted = true;
    void this.measure();
  }

  cancel(): void {
    this.cancelled = true;
    this.running?.abort();
  }

  dispose(): void {
    this.disposed = true;
    this.running?.abort();
  }

  /** Sends the view even if unchanged (the webview reloaded). */
  resend(): void {
    this.sent = '';
    this.changed();
  }

  view(): QualityView {
    const results = [...this.results.values()].map((entry) => entry.result);
    const steps = stepQualities(results);
    return qualityView(steps, checkpointQualities(this.checkpointSteps, steps), this.layout, {
      status: !this.layout ? 'waiting' : this.running ? 'measuring' : this.todo().length > 0 ? 'stopped' : 'done',
      ...(this.running && this.progress ? { progress: this.progress } : {}),
      left: this.todo().length,
      failures: [...this.failures.values()].map((failure) => failure.message),
    });
  }

  private changed(): void {
    if (this.disposed) return;
    const view = this.view();
    const text = JSON.stringify(view);
    if (text === this.sent) return;
    this.sent = text;
    this.onChange(view);
  }

  /** Finished videos with no score for their current version and no failure on it, newest step first. */
  private todo(): SampleFile[] {
    return this.samples.filter(
      (sample) =>
        this.results.get(sample.path)?.version !== version(sample) &&
        this.failures.get(sample.path)?.version !== version(sample),
    );
  }

  private async measure(): Promise<void> {
    const layout = this.layout;
    if (this.running || !layout || this.todo().length === 0) return;
    const controller = new AbortController();
    this.running = controller;
    let done = 0;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Measuring validation videos' },
        async (progress) => {
          for (let next = this.todo()[0]; next && !controller.signal.aborted; next = this.todo()[0]) {
            this.progress = { done, total: done + this.todo().length };
            progress.report({ message: `${done + 1}/${this.progress.total}` });
            this.changed();
            if (!(await this.measureOne(next, layout, controller.signal))) return;
            done++;
          }
        },
      );
    } finally {
      this.running = undefined;
      this.progress = undefined;
      this.changed();
    }
    // Stopped by a new tile size, or videos that landed meanwhile: go on unless the user cancelled.
    if (this.wanted && !this.cancelled && !this.disposed) void this.measure();
  }

  /** Measures one video; false when measuring must stop (cancelled, or no ffmpeg to decode anything). */
  private async measureOne(sample: SampleFile, layout: QualityLayout, signal: AbortSignal): Promise<boolean> {
    try {
      const result = await this.library.measure(this.host, sample, layout, signal);
      if (this.layout === layout) this.results.set(sample.path, { version: version(sample), result });
      return true;
    } catch (error) {
      if (error instanceof CancelledError || signal.aborted) return false;
      const message = `${sample.name}: ${describeError(error)}`;
      this.log.warn(`Measuring the quality of ${sample.path}: ${describeError(error)}`);
      this.failures.set(sample.path, { version: version(sample), message });
      // Without ffmpeg no video can be decoded: stop until the user fixes it and asks again.
      if (error instanceof UserFacingError && error.code === 'no-ffmpeg') this.cancelled = true;
      return !this.cancelled;
    }
  }
}
