// What the Datasets view shows: the scan results of every root, kept current by rescans that can be cancelled.
import * as vscode from 'vscode';
import { CancelledError, describeError } from '../../core/errors';
import { Disposable } from '../../core/lifecycle';
import { DatasetScanner, type ScanProgress, type ScanResult } from '../../core/dataset';
import type { Settings } from '../../settings';
import { datasetRoots, type DatasetRoot } from './datasetRoots';
import { loadScanCache, saveScanCache } from './scanCache';

export interface RootState {
  readonly root: DatasetRoot;
  /** The last completed scan; undefined until the first one finishes. */
  readonly result?: ScanResult;
  /** Why the last scan of this root failed (not a problem of an episode: those are in `result`). */
  readonly error?: string;
}

export interface ScanStatus {
  readonly scanning: boolean;
  readonly progress?: ScanProgress;
  readonly cancelled: boolean;
}

export class DatasetsModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when results, roots or the scan status change. */
  readonly onDidChange = this.changed.event;
  private readonly progressed = this.register(new vscode.EventEmitter<ScanStatus>());
  readonly onDidProgress = this.progressed.event;
  private readonly scanner: DatasetScanner;
  private states: RootState[] = [];
  private running?: { controller: AbortController; done: Promise<void> };
  private rerun = false;
  private status: ScanStatus = { scanning: false, cancelled: false };

  /** Resolves once the summaries of the last session are loaded (or found missing). */
  private readonly restored: Promise<void>;

  /** `cache`: where summaries are kept between sessions, with the extension version that wrote them. */
  constructor(
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
    private readonly cache?: { file: string; version: string },
  ) {
    super();
    // Never on the editor's thread: one synchronous read of a hostile file would freeze it and Cancel with it.
    this.scanner = new DatasetScanner(this.scanOptions(), { workersOnly: true });
    this.restored = cache
      ? loadScanCache(cache.file, cache.version).then((snapshot) => {
          if (snapshot) this.scanner.restore(snapshot);
        })
      : Promise.resolve();
  }

  get roots(): readonly RootState[] {
    return this.states;
  }

  get scanStatus(): ScanStatus {
    return this.status;
  }

  /** Re-reads the settings that change summaries; the next scan then reads every file again. */
  updateOptions(): void {
    this.scanner.setOptions(this.scanOptions());
  }

  /**
   * Rescans every root, reading only files whose size or mtime changed. A request during a scan is
   * coalesced into one more scan after it. Resolves when no scan is left to run.
   */
  async refresh(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running.done;
    }
    const controller = new AbortController();
    const done = this.scanAll(controller.signal).finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        void this.refresh();
      }
    });
    this.running = { controller, done };
    return done;
  }

  /** Stops the running scan; the view keeps the results it had. */
  cancel(): void {
    this.rerun = false;
    this.running?.controller.abort();
  }

  private scanOptions() {
    return this.settings.datasetScanOptions;
  }

  private setStatus(status: ScanStatus): void {
    this.status = status;
    this.progressed.fire(status);
  }

  private async scanAll(signal: AbortSignal): Promise<void> {
    await this.restored;
    const started = performance.now();
    const roots = await datasetRoots(this.settings);
    const previous = new Map(this.states.map((state) => [state.root.folder, state]));
    for (const gone of previous.keys()) if (!roots.some((root) => root.folder === gone)) this.scanner.forget(gone);
    this.states = roots.map((root) => ({ ...previous.get(root.folder), root }));
    this.setStatus({ scanning: true, cancelled: false });
    this.changed.fire();
    let filesRead = 0;
    try {
      for (const [index, state] of this.states.entries()) {
        if (state.root.missing) continue;
        try {
          const result = await this.scanner.scan(state.root.folder, {
            signal,
            onProgress: (progress) => this.setStatus({ scanning: true, cancelled: false, progress }),
          });
          filesRead += result.filesRead;
          this.states[index] = { root: state.root, result };
        } catch (error) {
          if (error instanceof CancelledError) throw error;
          this.log.error(`Scanning ${state.root.folder} failed: ${describeError(error)}`);
          this.states[index] = { ...state, error: describeError(error) };
        }
        this.changed.fire();
      }
      this.setStatus({ scanning: false, cancelled: false });
      if (this.cache && filesRead > 0) {
        await saveScanCache(this.cache.file, this.cache.version, this.scanner.snapshot()).catch((error: unknown) =>
          this.log.warn(`The dataset summaries could not be saved for next time: ${describeError(error)}`),
        );
      }
      const episodes = this.states.reduce((sum, state) => sum + (state.result?.episodes.length ?? 0), 0);
      this.log.info(
        `Datasets scanned: ${episodes} episodes in ${this.states.length} folders, ${filesRead} files read, ${(performance.now() - started).toFixed(0)} ms.`,
      );
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      this.log.info('Dataset scan cancelled; the view shows the previous results.');
      this.setStatus({ scanning: false, cancelled: true });
    }
    this.changed.fire();
  }
}
