// The quality of one output folder's validation videos as a dashboard follows it: scores already measured come
// from the cache whenever the folder changes; the rest are measured in the background, newest step first, once
// asked, one video at a time, until done, cancelled or stopped by a missing ffmpeg.
import { CancelledError, describeError, UserFacingError } from '../errors';
import { isFinished, type OutputListing, type SampleFile } from '../training/outputs';
import {
  checkpointQualities,
  measurableSamples,
  stepQualities,
  type CheckpointQuality,
  type StepQuality,
} from './runQuality';
import type { QualityLayout, SampleQuality } from './sampleQuality';

/** Where scores come from: the cache alone, or measured (fetched first when needed). */
export interface QualitySource {
  cached(sample: SampleFile, layout: QualityLayout): Promise<SampleQuality | undefined>;
  measure(sample: SampleFile, layout: QualityLayout, signal: AbortSignal): Promise<SampleQuality>;
}

export interface QualityTrackerEvents {
  /** Something the snapshot shows changed. */
  changed(): void;
  /** A video could not be measured (it is listed among the failures too). */
  failed(sample: SampleFile, error: unknown): void;
  /** Runs one pass of measuring, reporting progress (the editor shows it in its status bar). */
  pass(task: (report: (done: number, total: number) => void) => Promise<void>): Promise<void>;
}

export interface QualitySnapshot {
  readonly steps: readonly StepQuality[];
  readonly checkpoints: readonly CheckpointQuality[];
  readonly layout?: QualityLayout;
  /** 'waiting' for the tile layout; 'stopped' with videos left (cancelled, or not asked yet). */
  readonly status: 'measuring' | 'done' | 'stopped' | 'waiting';
  readonly progress?: { readonly done: number; readonly total: number };
  /** Finished videos not measured yet. */
  readonly left: number;
  readonly failures: readonly string[];
}

const version = (sample: SampleFile) => `${sample.path}\0${sample.size}:${sample.mtimeMs}`;

export class QualityTracker {
  /** By sample path, with the version of the file that was measured. */
  private readonly results = new Map<string, { version: string; result: SampleQuality }>();
  private readonly failures = new Map<string, { version: string; message: string }>();
  private samples: readonly SampleFile[] = [];
  private checkpointSteps: readonly number[] = [];
  private writingSteps: readonly number[] = [];
  private layout: QualityLayout | undefined;
  private running: AbortController | undefined;
  private progress: { done: number; total: number } | undefined;
  /** Asked to measure (a tab was shown or the button pressed). */
  private wanted = false;
  /** The user cancelled (or ffmpeg is missing): only an explicit request starts measuring again. */
  private cancelled = false;
  private disposed = false;

  constructor(
    private readonly source: QualitySource,
    private readonly events: QualityTrackerEvents,
  ) {}

  /** The folder or the tiles changed: known scores come from the cache, and measuring goes on when asked. */
  async update(listing: OutputListing, layout: QualityLayout | undefined): Promise<void> {
    // The same tiles come as a new object with each listing: only other tiles start over.
    if (JSON.stringify(layout) !== JSON.stringify(this.layout)) {
      this.running?.abort();
      this.results.clear();
      this.failures.clear();
      this.layout = layout;
    }
    this.checkpointSteps = listing.checkpoints.map((checkpoint) => checkpoint.step);
    this.writingSteps = listing.checkpoints.filter((c) => !isFinished(c)).map((checkpoint) => checkpoint.step);
    this.samples = measurableSamples(listing);
    const present = new Set(this.samples.map((sample) => sample.path));
    for (const key of this.results.keys()) if (!present.has(key)) this.results.delete(key);
    const tiles = this.layout;
    if (tiles) {
      await Promise.all(
        this.todo().map(async (sample) => {
          const result = await this.source.cached(sample, tiles);
          if (result && this.layout === tiles) this.results.set(sample.path, { version: version(sample), result });
        }),
      );
    }
    this.events.changed();
    if (this.wanted && !this.cancelled) void this.measure();
  }

  /** `auto`: a tab was shown, which does not undo a cancel; an explicit request does, and retries failures. */
  request(auto: boolean): void {
    if (auto && this.cancelled) return;
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

  snapshot(): QualitySnapshot {
    const steps = stepQualities([...this.results.values()].map((entry) => entry.result));
    const left = this.todo().length;
    return {
      steps,
      checkpoints: checkpointQualities(this.checkpointSteps, steps, this.writingSteps),
      ...(this.layout ? { layout: this.layout } : {}),
      status: !this.layout ? 'waiting' : this.running ? 'measuring' : left > 0 ? 'stopped' : 'done',
      ...(this.running && this.progress ? { progress: this.progress } : {}),
      left,
      failures: [...this.failures.values()].map((failure) => failure.message),
    };
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
    // Each video at most once per pass, whatever becomes of its result.
    const tried = new Set<string>();
    const untried = (sample: SampleFile) => !tried.has(version(sample));
    try {
      await this.events.pass(async (report) => {
        let done = 0;
        for (let next = this.todo().find(untried); next; next = this.todo().find(untried)) {
          if (controller.signal.aborted) return;
          this.progress = { done, total: done + this.todo().filter(untried).length };
          tried.add(version(next));
          report(done, this.progress.total);
          this.events.changed();
          if (!(await this.measureOne(next, layout, controller.signal))) return;
          done++;
        }
      });
    } finally {
      this.running = undefined;
      this.progress = undefined;
      if (!this.disposed) this.events.changed();
    }
    // Stopped by new tiles, or videos that landed as it ended: go on unless cancelled.
    const again = controller.signal.aborted || this.todo().some(untried);
    if (again && this.wanted && !this.cancelled && !this.disposed) void this.measure();
  }

  /** Measures one video; false when measuring must stop (cancelled, or no ffmpeg to decode anything). */
  private async measureOne(sample: SampleFile, layout: QualityLayout, signal: AbortSignal): Promise<boolean> {
    try {
      const result = await this.source.measure(sample, layout, signal);
      if (this.layout === layout) this.results.set(sample.path, { version: version(sample), result });
      return true;
    } catch (error) {
      if (error instanceof CancelledError || signal.aborted) return false;
      this.failures.set(sample.path, { version: version(sample), message: `${sample.name}: ${describeError(error)}` });
      this.events.failed(sample, error);
      // Without ffmpeg no video can be decoded: stop until asked again.
      if (error instanceof UserFacingError && error.code === 'no-ffmpeg') this.cancelled = true;
      return !this.cancelled;
    }
  }
}
