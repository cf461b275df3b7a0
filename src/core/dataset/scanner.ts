// Scans dataset folders, re-reading only the episode files whose size or modification time changed.
import { CancelledError, describeError, throwIfAborted } from '../errors';
import { buildDatasets } from './datasets';
import { countProblems } from './problems';
import { ScanPool, scanWorkerFile, workerCount } from './scanPool';
import { summarizeEpisode, timedOutSummary } from './summarize';
import { findEpisodeFiles, type EpisodeFileEntry } from './walk';
import {
  DEFAULT_SCAN_OPTIONS,
  type EpisodeSummary,
  type ScanOptions,
  type ScanProgress,
  type ScanResult,
} from './types';

/** The per-file summaries of every root scanned, with the options they were made with. */
export interface ScanSnapshot {
  readonly options: ScanOptions;
  readonly roots: Readonly<Record<string, readonly EpisodeSummary[]>>;
}

/** Where files are read. By default big scans use worker threads (one per idle core, up to four) and no other. */
export interface ScanThreads {
  /**
   * At most this many threads read at once (the caller counts as one when it reads); 0 or 1: the calling thread only.
   */
  readonly maxWorkers?: number;
  /** The calling thread reads files too, in place of one worker (right for a CLI; an editor keeps its thread free). */
  readonly callerReads?: boolean;
  /**
   * Files are never read on the calling thread (an editor's, where a synchronous read would freeze it and stop
   * Cancel from firing): at least one worker whatever the folder's size, and a worker failure fails the scan.
   */
  readonly workersOnly?: boolean;
  /** Told why worker threads failed; the files left are then read on the calling thread (unless workersOnly). */
  readonly onWorkerFailure?: (message: string) => void;
}

export interface ScanControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** In-process reading is synchronous inside h5wasm: hand the event loop back this often. */
const YIELD_EVERY_MS = 25;

export class DatasetScanner {
  /** Per root: the last summary of each file (with only its own problems), keyed by absolute path. */
  private readonly cache = new Map<string, Map<string, EpisodeSummary>>();
  private options: ScanOptions;

  constructor(
    options: Partial<ScanOptions> = {},
    private readonly threads: ScanThreads = {},
  ) {
    this.options = { ...DEFAULT_SCAN_OPTIONS, ...options };
  }

  /** New options change what a summary says, so every file is read again on the next scan. */
  setOptions(options: Partial<ScanOptions>): void {
    const next = { ...this.options, ...options };
    if (JSON.stringify(next) !== JSON.stringify(this.options)) this.cache.clear();
    this.options = next;
  }

  /** What the scanner knows, to be saved and handed to `restore` in a later session. */
  snapshot(): ScanSnapshot {
    return {
      options: this.options,
      roots: Object.fromEntries([...this.cache].map(([root, files]) => [root, [...files.values()]])),
    };
  }

  /**
   * Takes the summaries of an earlier session, so that the next scan re-reads only files changed since.
   * Ignored when they were made with other options (they would say something else).
   */
  restore(snapshot: ScanSnapshot): void {
    if (JSON.stringify(snapshot.options) !== JSON.stringify(this.options)) return;
    for (const [root, summaries] of Object.entries(snapshot.roots)) {
      if (!this.cache.has(root)) this.cache.set(root, new Map(summaries.map((summary) => [summary.path, summary])));
    }
  }

  /** Forgets a root's files, e.g. when the folder is removed from the view. */
  forget(root: string): void {
    this.cache.delete(root);
  }

  /**
   * Every episode under `root`, summarized and checked. A file that cannot be read is listed with its problem;
   * the scan goes on. Throws CancelledError when `signal` aborts (what was read so far is kept for the next scan).
   */
  async scan(root: string, control: ScanControl = {}): Promise<ScanResult> {
    const { signal, onProgress } = control;
    const entries = await findEpisodeFiles(root, signal);
    const previous = this.cache.get(root) ?? new Map<string, EpisodeSummary>();
    const current = new Map<string, EpisodeSummary>();
    this.cache.set(root, current);
    const changed: EpisodeFileEntry[] = [];
    for (const entry of entries) {
      const cached = previous.get(entry.path);
      if (cached && cached.sizeBytes === entry.sizeBytes && cached.mtimeMs === entry.mtimeMs)
        current.set(entry.path, cached);
      else changed.push(entry);
    }
    let done = current.size;
    const record = (summary: EpisodeSummary) => {
      current.set(summary.path, summary);
      onProgress?.({ done: ++done, total: entries.length, file: summary.file });
    };
    try {
      await this.read(changed, record, signal);
      throwIfAborted(signal);
    } catch (error) {
      // Keep what is still valid from before, so that the next scan does not start from nothing.
      for (const [file, summary] of previous) if (!current.has(file)) current.set(file, summary);
      throw error;
    }
    const { episodes, datasets } = buildDatasets(
      root,
      entries.map((entry) => current.get(entry.path)!),
    );
    const counts = countProblems(episodes.flatMap((episode) => episode.problems));
    return {
      root,
      episodes,
      datasets,
      summary: {
        episodes: episodes.length,
        frames: episodes.reduce((sum, episode) => sum + episode.frames, 0),
        ...counts,
      },
      filesRead: changed.length,
    };
  }

  private async read(
    entries: readonly EpisodeFileEntry[],
    record: (summary: EpisodeSummary) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { maxWorkers, callerReads, workersOnly, onWorkerFailure } = this.threads;
    if (entries.length === 0) return;
    const lanes = workerCount(entries.length, maxWorkers);
    const workers = workersOnly ? Math.max(1, lanes) : callerReads ? lanes - 1 : lanes;
    const workerFile = workers > 0 ? scanWorkerFile() : undefined;
    if (workersOnly && !workerFile) throw new Error('the scan worker script is missing from the installation.');
    const finished = new Set<string>();
    if (workerFile) {
      const pool = new ScanPool(workers, workerFile);
      const readHere = callerReads ? (entry: EpisodeFileEntry) => summarizeEpisode(entry, this.options) : undefined;
      try {
        await pool.summarizeAll(
          entries,
          this.options,
          (_, summary) => {
            finished.add(summary.path);
            record(summary);
          },
          (entry, seconds) => timedOutSummary(entry, this.options, seconds),
          signal,
          readHere,
        );
        return;
      } catch (error) {
        if (error instanceof CancelledError || workersOnly) throw error;
        // Worker threads are an optimisation: if they fail, the files left are read here.
        onWorkerFailure?.(describeError(error));
      } finally {
        await pool.dispose();
      }
    }
    let lastYield = performance.now();
    for (const entry of entries) {
      throwIfAborted(signal);
      if (finished.has(entry.path)) continue;
      record(await summarizeEpisode(entry, this.options));
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }
}
