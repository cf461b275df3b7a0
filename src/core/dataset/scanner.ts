// Scans dataset folders, re-reading only the episode files whose size or modification time changed.
import { throwIfAborted } from '../errors';
import { buildDatasets } from './datasets';
import { countProblems } from './problems';
import { summarizeEpisode } from './summarize';
import { findEpisodeFiles } from './walk';
import { DEFAULT_SCAN_OPTIONS, type EpisodeSummary, type ScanOptions, type ScanProgress, type ScanResult } from './types';

export interface ScanControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** Reading is synchronous inside h5wasm: hand the event loop back this often so an editor stays responsive. */
const YIELD_EVERY_MS = 25;

export class DatasetScanner {
  /** Per root: the last summary of each file (with only its own problems), keyed by absolute path. */
  private readonly cache = new Map<string, Map<string, EpisodeSummary>>();
  private options: ScanOptions;

  constructor(options: Partial<ScanOptions> = {}) {
    this.options = { ...DEFAULT_SCAN_OPTIONS, ...options };
  }

  /** New options change what a summary says, so every file is read again on the next scan. */
  setOptions(options: Partial<ScanOptions>): void {
    const next = { ...this.options, ...options };
    if (JSON.stringify(next) !== JSON.stringify(this.options)) this.cache.clear();
    this.options = next;
  }

  /** Forgets a root's files, e.g. when the folder is removed from the view. */
  forget(root: string): void {
    this.cache.delete(root);
  }

  /**
   * Every episode under `root`, summarized and checked. A file that cannot be read is listed with its problem;
   * the scan goes on. Throws CancelledError when `signal` aborts (the cache keeps what was read so far).
   */
  async scan(root: string, control: ScanControl = {}): Promise<ScanResult> {
    const { signal, onProgress } = control;
    const entries = await findEpisodeFiles(root, signal);
    const previous = this.cache.get(root) ?? new Map<string, EpisodeSummary>();
    const current = new Map<string, EpisodeSummary>();
    this.cache.set(root, current);
    let filesRead = 0;
    let lastYield = performance.now();
    try {
      for (const [index, entry] of entries.entries()) {
        throwIfAborted(signal);
        const cached = previous.get(entry.path);
        if (cached && cached.sizeBytes === entry.sizeBytes && cached.mtimeMs === entry.mtimeMs) {
          current.set(entry.path, cached);
        } else {
          current.set(entry.path, await summarizeEpisode(entry, this.options));
          filesRead++;
        }
        onProgress?.({ done: index + 1, total: entries.length, file: entry.relative });
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
    } catch (error) {
      // Keep what is still valid from before, so that the next scan does not start from nothing.
      for (const [file, summary] of previous) if (!current.has(file)) current.set(file, summary);
      throw error;
    }
    const { episodes, datasets } = buildDatasets(root, entries.map((entry) => current.get(entry.path)!));
    const counts = countProblems(episodes.flatMap((episode) => episode.problems));
    return {
      root,
      episodes,
      datasets,
      summary: { episodes: episodes.length, frames: episodes.reduce((sum, episode) => sum + episode.frames, 0), ...counts },
      filesRead,
    };
  }
}
