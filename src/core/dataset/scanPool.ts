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

export type ScanReply =
  { readonly id: number; readonly summary: EpisodeSummary } | { readonly id: number; readonly error: string };

/** The worker script: bundled beside this code in dist/, or the TypeScript source when run with tsx. */
export function scanWorkerFile(): string | undefined {
  return ['scanWorker.js', 'scanWorker.ts']
    .map((name) => path.join(__dirname, name))
    .find((file) => fs.existsSync(file));
}

/**
 * Threads worth reading `files` files: `maxWorkers` when asked for, else one per idle core, up to four, and none
 * that would read fewer than 32 files (a thread costs ~0.4 s of CPU and ~50 MB to load h5wasm). Extra threads on a
 * busy machine only add that cost.
 */
export function workerCount(files: number, maxWorkers?: number): number {
  if (maxWorkers !== undefined) return Math.max(0, Math.min(maxWorkers, files));
  return Math.min(idleCores(), 4, Math.floor(files / 32));
}

function idleCores(): number {
  return Math.max(1, Math.round(os.availableParallelism() - os.loadavg()[0]!));
}

export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (summary: EpisodeSummary) => void; reject: (error: Error) => void }
  >();
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

  /**
   * Summarizes the entries, calling `onDone` as each finishes; stops early when `signal` aborts. Each worker has
   * two files in flight, so that it never waits for the next request. `readHere`, when given, is one more lane
   * on the calling thread (a CLI has nothing else to do with it).
   */
  async summarizeAll(
    entries: readonly EpisodeFileEntry[],
    options: ScanOptions,
    onDone: (index: number, summary: EpisodeSummary) => void,
    signal?: AbortSignal,
    readHere?: (entry: EpisodeFileEntry) => Promise<EpisodeSummary>,
  ): Promise<void> {
    let next = 0;
    const take = (): number | undefined => (signal?.aborted || next >= entries.length ? undefined : next++);
    const workerLane = async (worker: Worker): Promise<void> => {
      for (let index = take(); index !== undefined; index = take()) {
        onDone(index, await this.request(worker, { id: this.nextId++, entry: entries[index]!, options }));
      }
    };
    const localLane = async (): Promise<void> => {
      for (let index = take(); index !== undefined && readHere; index = take()) {
        onDone(index, await readHere(entries[index]!));
        // Lets the workers' replies in between files, so that they get their next file at once.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([
      ...this.workers.flatMap((worker) => [workerLane(worker), workerLane(worker)]),
      ...(readHere ? [localLane()] : []),
    ]);
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
