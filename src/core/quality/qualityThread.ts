// Scores validation videos on one worker thread (started on first use, stopped when idle), so long SSIM runs never
// stall the thread that asked; an abort stops the video's ffmpeg inside the worker.
import type { Worker } from 'node:worker_threads';
import { CancelledError, throwIfAborted, UserFacingError } from '../errors';
import type { MediaTools } from '../media/playable';
import { startWorkerThread, workerScript } from '../workerThread';
import { sampleQuality, type QualityLayout, type SampleQuality } from './sampleQuality';

export type QualityRequest =
  | {
      readonly type: 'measure';
      readonly id: number;
      readonly file: string;
      readonly layout: QualityLayout;
      readonly tools: MediaTools;
    }
  | { readonly type: 'abort'; readonly id: number };

export type QualityReply =
  | { readonly id: number; readonly result: SampleQuality }
  | { readonly id: number; readonly error: { message: string; hint?: string; code?: string } };

interface Waiter {
  readonly resolve: (result: SampleQuality) => void;
  readonly reject: (error: Error) => void;
}

/** A worker with nothing to do for this long is stopped (it holds a V8 heap of its own). */
const IDLE_MS = 15_000;

export class QualityThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Waiter>();
  private nextId = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** `script`: the worker's file; without one (it was not found) videos are scored on the calling thread. */
  constructor(private readonly script: string | undefined = workerScript(__dirname, 'qualityWorker')) {}

  measure(file: string, layout: QualityLayout, tools: MediaTools, signal?: AbortSignal): Promise<SampleQuality> {
    throwIfAborted(signal);
    if (!this.script) return sampleQuality(file, layout, tools, signal);
    clearTimeout(this.idleTimer);
    const worker = this.ensureWorker(this.script);
    worker.ref();
    const id = this.nextId++;
    const onAbort = () => worker.postMessage({ type: 'abort', id } satisfies QualityRequest);
    signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise<SampleQuality>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'measure', id, file, layout, tools } satisfies QualityRequest);
    }).finally(() => {
      signal?.removeEventListener('abort', onAbort);
      if (this.pending.size > 0) return;
      // Idle: neither the worker nor its stop timer may keep a CLI or test process alive.
      this.worker?.unref();
      this.idleTimer = setTimeout(() => this.stop(), IDLE_MS);
      this.idleTimer.unref();
    });
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.stop();
  }

  private ensureWorker(script: string): Worker {
    if (this.worker) return this.worker;
    const worker = startWorkerThread(script);
    this.worker = worker;
    worker.on('message', (reply: QualityReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('result' in reply) waiter.resolve(reply.result);
      else if (reply.error.code === 'cancelled') waiter.reject(new CancelledError());
      else if (reply.error.code)
        waiter.reject(new UserFacingError(reply.error.message, reply.error.hint, reply.error.code));
      else waiter.reject(new Error(reply.error.message));
    });
    worker.on('error', (error) => this.failAll(worker, error));
    worker.on('exit', (code) =>
      this.failAll(worker, new Error(`the video quality worker stopped (exit code ${code})`)),
    );
    return worker;
  }

  /** The worker died: what it held fails, and the next request starts a new one. */
  private failAll(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const waiter of this.pending.values()) waiter.reject(new CancelledError());
    this.pending.clear();
    void worker?.terminate();
  }
}
