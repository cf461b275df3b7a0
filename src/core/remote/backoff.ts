// Retrying with exponential backoff for work that may meet a dropped connection; nothing assumes SSH stays up.
import { CancelledError } from '../errors';
import { SshError } from './runner';

export interface BackoffOptions {
  readonly signal?: AbortSignal;
  /** Tries in all, the first included; Infinity keeps trying until the signal aborts. */
  readonly attempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Told before each wait, e.g. to show "reconnecting in 4 s". */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** SSH failures that a later try may not meet; a refused key or an unknown host never heals by waiting. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof SshError && ['dropped', 'unreachable', 'refused', 'timeout', 'ssh-failed'].includes(error.code)
  );
}

export function backoffDelay(attempt: number, initialDelayMs = 1000, maxDelayMs = 30_000): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `work` until it succeeds, retrying transient SSH failures with growing waits. */
export async function withBackoff<T>(work: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options.initialDelayMs, options.maxDelayMs);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
