// The chart data of runs: one feed per run reads its log incrementally (byte offsets) while a dashboard shows it,
// keeps the series when the dashboard closes, and saves them with the offset of the last whole line in global
// storage, so a reopened dashboard, even after a reload, reads only what the log gained since.
import * as vscode from 'vscode';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite';
import { CancelledError, describeError } from '../core/errors';
import type { FollowSubscription, RunFollowers } from '../core/training/followers';
import { RunMetrics, type MetricsSnapshot, type SeriesUpdate } from '../core/training/metrics';
import type { Progress } from '../core/training/logParser';
import type { RunRegistry } from '../core/training/registry';
import { isActive, type RunSummary } from '../core/training/runRecord';
import type { Settings } from '../settings';
import type { TrainingHosts } from './hosts';

export interface FeedListener {
  onUpdates(updates: readonly SeriesUpdate[]): void;
  onSummary?(summary: RunSummary): void;
  /** A dropped connection being retried (undefined once back), or a failure that ended the reading. */
  onProblem?(problem: string | undefined): void;
}

interface SavedMetrics {
  readonly schema: 1;
  readonly offset: number;
  readonly complete: boolean;
  readonly series: MetricsSnapshot;
  readonly latest?: Progress;
}

const SAVE_EVERY_MS = 30_000;
const KEPT_FILES = 50;

export class MetricsFeed {
  readonly metrics = new RunMetrics();
  summary: RunSummary | undefined;
  private readonly listeners = new Set<FeedListener>();
  private subscription: FollowSubscription | undefined;
  /** The byte offset just after the last line end read: where a later reading starts again. */
  private lineOffset = 0;
  private decodedBytes = 0;
  private complete = false;
  private starting = false;
  private loaded: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly host: string,
    readonly runId: string,
    private readonly store: RunMetricsStore,
  ) {}

  /** Sends the series as they are, then every change; reads the log while anyone listens. */
  subscribe(listener: FeedListener): vscode.Disposable {
    this.listeners.add(listener);
    this.loaded ??= this.store.load(this).catch(() => undefined);
    void this.loaded.then(() => {
      if (!this.listeners.has(listener)) return;
      const snapshot = this.metrics.snapshot();
      listener.onUpdates(
        (['loss', 'lr', 'rate'] as const).map((metric) => ({
          metric,
          start: 0,
          steps: [...snapshot[metric].steps],
          values: [...snapshot[metric].values],
        })),
      );
      if (this.summary) listener.onSummary?.(this.summary);
      this.start();
    });
    return new vscode.Disposable(() => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    });
  }

  restore(saved: SavedMetrics): void {
    this.metrics.restore(saved.series, saved.latest);
    this.lineOffset = saved.offset;
    this.complete = saved.complete;
  }

  saved(): SavedMetrics {
    return {
      schema: 1,
      offset: this.lineOffset,
      complete: this.complete,
      series: this.metrics.snapshot(),
      latest: this.metrics.latest,
    };
  }

  private start(): void {
    if (this.subscription || this.starting || (this.complete && this.summary)) return;
    this.starting = true;
    void (async () => {
      try {
        // An ended run whose whole log was read before needs only its record, not its log.
        if (this.complete) this.setSummary(await (await this.store.registry(this.host)).get(this.runId));
        else if (this.listeners.size > 0 && !this.subscription) await this.follow();
      } catch (error) {
        for (const listener of this.listeners) listener.onProblem?.(describeError(error));
      } finally {
        this.starting = false;
      }
    })();
  }

  /** Reads the log through the run's one shared follower, which the status bar may be reading too. */
  private async follow(): Promise<void> {
    this.decodedBytes = this.lineOffset;
    const subscription = await this.store.followers.subscribe(
      this.host,
      this.runId,
      {
        onLog: (text, events) => {
          const lastEnd = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
          if (lastEnd >= 0) this.lineOffset = this.decodedBytes + Buffer.byteLength(text.slice(0, lastEnd + 1));
          this.decodedBytes += Buffer.byteLength(text);
          this.metrics.ingest(events);
          const updates = this.metrics.takeUpdates();
          if (updates.length > 0) for (const listener of this.listeners) listener.onUpdates(updates);
          this.scheduleSave();
        },
        onSummary: (summary) => {
          // A log shorter than what was read before is another log: read it again from the start.
          if (summary.logSize < this.lineOffset) subscription.close();
          this.setSummary(summary);
        },
        onConnection: (problem) => {
          const text = problem && `${problem.message} Reconnecting in ${Math.round(problem.retryInMs / 1000)} s…`;
          for (const listener of this.listeners) listener.onProblem?.(text);
        },
      },
      { fromOffset: this.lineOffset, pollMs: this.store.settings.dashboardLogPollSeconds * 1000 },
    );
    // Everyone left while the subscription was being made.
    if (this.listeners.size === 0) return subscription.close();
    this.subscription = subscription;
    subscription.done
      // Cleared first, so that a log read again from the start (reset) gets a new subscription.
      .finally(() => {
        if (this.subscription === subscription) this.subscription = undefined;
      })
      .then(
        (summary) => {
          this.complete = !isActive(summary.record.state);
          this.setSummary(summary);
          void this.store.save(this);
        },
        (error: unknown) => {
          if (error instanceof CancelledError) {
            if (this.summary && this.summary.logSize < this.lineOffset) this.reset();
            return;
          }
          for (const listener of this.listeners)
            listener.onProblem?.(`Reading the log stopped: ${describeError(error)}`);
        },
      );
  }

  private setSummary(summary: RunSummary): void {
    this.summary = summary;
    for (const listener of this.listeners) listener.onSummary?.(summary);
  }

  private reset(): void {
    this.metrics.restore({
      loss: { steps: [], values: [] },
      lr: { steps: [], values: [] },
      rate: { steps: [], values: [] },
    });
    this.lineOffset = 0;
    const updates = this.metrics.takeUpdates();
    for (const listener of this.listeners) listener.onUpdates(updates);
    if (this.listeners.size > 0) this.start();
  }

  private stop(): void {
    this.subscription?.close();
    this.subscription = undefined;
    void this.store.save(this);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.store.save(this);
    }, SAVE_EVERY_MS);
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    this.subscription?.close();
  }
}

export class RunMetricsStore implements vscode.Disposable {
  private readonly feeds = new Map<string, MetricsFeed>();
  private readonly dir: string;

  constructor(
    private readonly hosts: TrainingHosts,
    readonly followers: RunFollowers,
    readonly settings: Settings,
    storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.dir = path.join(storage.fsPath, 'metrics');
  }

  feed(host: string, runId: string): MetricsFeed {
    const key = `${host}\0${runId}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = new MetricsFeed(host, runId, this);
      this.feeds.set(key, feed);
    }
    return feed;
  }

  registry(host: string): Promise<RunRegistry> {
    return this.hosts.registry(host);
  }

  private file(feed: MetricsFeed): string {
    return path.join(this.dir, `${feed.host.replace(/[^A-Za-z0-9_.@-]/g, '_')}__${feed.runId}.json`);
  }

  async load(feed: MetricsFeed): Promise<void> {
    const saved = await readFile(this.file(feed), 'utf8').then(
      (text) => JSON.parse(text) as { schema?: number },
      () => undefined,
    );
    if (saved?.schema === 1) feed.restore(saved as Parameters<MetricsFeed['restore']>[0]);
  }

  async save(feed: MetricsFeed): Promise<void> {
    try {
      await writeFileAtomic(this.file(feed), JSON.stringify(feed.saved()));
      await this.prune();
    } catch (error) {
      this.log.warn(`Could not save the chart data of run ${feed.runId}: ${describeError(error)}`);
    }
  }

  /** Keeps the newest saved runs only. */
  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    if (names.length <= KEPT_FILES) return;
    const dated = await Promise.all(
      names.map(async (name) => ({ name, at: (await stat(path.join(this.dir, name))).mtimeMs })),
    );
    for (const { name } of dated.sort((a, b) => b.at - a.at).slice(KEPT_FILES))
      await rm(path.join(this.dir, name), { force: true });
  }

  dispose(): void {
    for (const feed of this.feeds.values()) feed.dispose();
  }
}
