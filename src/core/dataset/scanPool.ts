// Summarizes episode files on worker threads: several files at once, and the editor's thread stays free.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EpisodeFileEntry } from './walk';
import type { EpisodeSummary, ScanOptions } from './types';

export interface ScanRequest {
  readonly id: number;
  readonly entry: EpisodeFileEntry;
  readonly options: ScanOptions;
}

export type ScanReply = { readonly id: number; readonly summary: EpisodeSummary } | { readonly id: number; readonly error: string };

/** The worker script: bundled beside this code in dist/, or the TypeScript source when run with tsx. */
export function scanWorkerFile(): string | undefined {
  return ['scanWorker.js', 'scanWorker.ts'].map((name) => path.join(__dirname, name)).find((file) => fs.existsSync(file));
}

/** Workers worth starting for `files` files: each costs ~0.2 s and ~50 MB to load h5wasm. */
export function workerCount(files: number, maxWorkers = os.availableParallelism()): number {
  return Math.max(0, Math.min(maxWorkers, 4, Math.floor(files / 16)));
}

export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (summary: EpisodeSummary) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(size: number, workerFile: string) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerFile);
      worker.on('message', (reply: ScanReply) => {
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if ('summary' in reply) waiter?.resolve(reply.summary);
        else waiter?.reject(new Error(reply.error));
      });
      worker.on('error', (error) => this.failAll(error));
      worker.on('exit', (code) => this.failAll(new Error(`a scan worker stopped (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  /** Summarizes the entries, one file at a time per worker, calling `onDone` as each finishes. Stops early when `signal` aborts. */
  async summarizeAll(entries: readonly EpisodeFileEntry[], options: ScanOptions, onDone: (index: number, summary: EpisodeSummary) => void, signal?: AbortSignal): Promise<void> {
    let next = 0;
    const lane = async (worker: Worker): Promise<void> => {
      while (next < entries.length && !signal?.aborted) {
        const index = next++;
        const summary = await this.request(worker, { id: this.nextId++, entry: entries[index]!, options });
        onDone(index, summary);
      }
    };
    await Promise.all(this.workers.map(lane));
  }

  private request(worker: Worker, request: ScanRequest): Promise<EpisodeSummary> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
  }
}
