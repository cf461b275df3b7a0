// Summarizes episode files on worker threads: several files at once, and the editor's thread stays free.
import * as os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { CancelledError, throwIfAborted } from '../errors';
import { startWorkerThread, workerScript } from '../workerThread';
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
  return workerScript(__dirname, 'scanWorker');
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

/**
 * Cores not busy, by the one-minute load average less one: that average still counts the work that has just ended
 * (the scan before this one, the command that started it), and reading it as busy left a 2-core machine scanning
 * 2,000 files on one thread, 1.8 times slower than on two.
 */
function idleCores(): number {
  const cores = os.availableParallelism();
  return Math.max(1, Math.min(cores, Math.round(cores - os.loadavg()[0]! + 1)));
}

/** What a worker was asked and has not answered yet. */
interface Waiter {
  readonly resolve: (summary: EpisodeSummary) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One worker thread with the requests it holds; a worker that overran is replaced, its slot stays. */
interface WorkerSlot {
  worker: Worker;
  readonly pending: Map<number, Waiter>;
}

/** The request was on a worker replaced because another of its files overran: it is asked again. */
class WorkerReplaced extends Error {}

/** The worker did not answer within the hard limit and was stopped. */
class RequestTimedOut extends Error {}

/**
 * A worker blocked inside one HDF5 call never reaches its own check deadline. Past this many times the file's
 * budget (plus start-up slack) it is stopped from outside, and the file is reported unchecked.
 */
const HARD_LIMIT_FACTOR = 2;
const HARD_LIMIT_SLACK_MS = 5_000;

export class ScanPool {
  private readonly slots: WorkerSlot[] = [];
  private nextId = 0;
  private failure?: Error;

  constructor(
    size: number,
    private readonly workerFile: string,
  ) {
    for (let i = 0; i < size; i++) {
      const slot: WorkerSlot = { worker: undefined as unknown as Worker, pending: new Map() };
      this.startWorker(slot);
      this.slots.push(slot);
    }
  }

  /**
   * Summarizes the entries, calling `onDone` as each finishes; stops at once when `signal` aborts (CancelledError).
   * Each worker has two files in flight, so that it never waits for the next request. `readHere`, when given, is one
   * more lane on the calling thread (a CLI has nothing else to do with it). A file whose worker stops answering is
   * reported by `timedOut` and the worker replaced.
   */
  async summarizeAll(
    entries: readonly EpisodeFileEntry[],
    options: ScanOptions,
    onDone: (index: number, summary: EpisodeSummary) => void,
    timedOut: (entry: EpisodeFileEntry, seconds: number) => EpisodeSummary,
    signal?: AbortSignal,
    readHere?: (entry: EpisodeFileEntry) => Promise<EpisodeSummary>,
  ): Promise<void> {
    throwIfAborted(signal);
    let next = 0;
    const take = (): number | undefined => (signal?.aborted || next >= entries.length ? undefined : next++);
    const hardLimitMs = options.checkSeconds * 1000 * HARD_LIMIT_FACTOR + HARD_LIMIT_SLACK_MS;
    const workerLane = async (slot: WorkerSlot): Promise<void> => {
      for (let index = take(); index !== undefined; index = take()) {
        const entry = entries[index]!;
        for (;;) {
          try {
            onDone(index, await this.request(slot, { id: this.nextId++, entry, options }, hardLimitMs));
            break;
          } catch (error) {
            if (error instanceof RequestTimedOut) {
              onDone(index, timedOut(entry, hardLimitMs / 1000));
              break;
            }
            if (!(error instanceof WorkerReplaced)) throw error;
          }
        }
      }
    };
    const localLane = async (): Promise<void> => {
      for (let index = take(); index !== undefined && readHere; index = take()) {
        onDone(index, await readHere(entries[index]!));
        // Lets the workers' replies in between files, so that they get their next file at once.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    // A cancelled scan does not wait for files in flight: their workers are stopped.
    const onAbort = () => this.failAll(new CancelledError());
    signal?.addEventListener('abort', onAbort);
    try {
      await Promise.all([
        ...this.slots.flatMap((slot) => [workerLane(slot), workerLane(slot)]),
        ...(readHere ? [localLane()] : []),
      ]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private request(slot: WorkerSlot, request: ScanRequest, hardLimitMs: number): Promise<EpisodeSummary> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.replaceWorker(slot, request.id), hardLimitMs);
      slot.pending.set(request.id, { resolve, reject, timer });
      slot.worker.postMessage(request);
    });
  }

  private startWorker(slot: WorkerSlot): void {
    const worker = startWorkerThread(this.workerFile);
    slot.worker = worker;
    worker.on('message', (reply: ScanReply) => {
      const waiter = slot.pending.get(reply.id);
      if (!waiter) return;
      slot.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if ('summary' in reply) waiter.resolve(reply.summary);
      else waiter.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      // A worker stopped on purpose (replaced, or the pool disposed) is no failure.
      if (slot.worker === worker && !this.failure) this.failAll(new Error(`a scan worker stopped (exit code ${code})`));
    });
  }

  /** Stops a worker stuck on request `overdue`: that file times out, the others it held are asked again. */
  private replaceWorker(slot: WorkerSlot, overdue: number): void {
    const stuck = slot.worker;
    const waiters = [...slot.pending];
    slot.pending.clear();
    this.startWorker(slot);
    void stuck.terminate();
    for (const [id, waiter] of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(id === overdue ? new RequestTimedOut() : new WorkerReplaced());
    }
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const slot of this.slots) {
      for (const waiter of slot.pending.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
      slot.pending.clear();
    }
  }

  async dispose(): Promise<void> {
    this.failure ??= new Error('the scan pool was disposed');
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }
}
