// Fetches the frame sets the player wants from the host's frame server, a few per request and two requests at a
// time: the same depth as the message feed, so a seek is never stuck behind much. A seek (`replace`) cancels what is
// on its way. If a fetch fails (no route to the server, a proxy that refuses or holds it), the wanted frames and every
// later request go as messages instead: the preview keeps playing, only slower.
import type { FrameSet } from '../../src/protocol/episodePreview';
import { decodeFrameBatch } from '../../src/protocol/frameBatch';

const SETS_PER_REQUEST = 4;
const REQUESTS_AT_ONCE = 2;
/** A request unanswered this long (a proxy that holds it) counts as failed: playback must not wait forever. */
const DEFAULT_ANSWER_WITHIN_MS = 10_000;

export class FrameFetcher {
  private queue: number[] = [];
  private readonly queued = new Set<number>();
  private readonly running = new Set<AbortController>();
  private failed = false;

  constructor(
    private readonly url: string,
    private readonly deliver: (set: FrameSet) => void,
    /** Asks the host by message, as without a frame server; `reason` the first time, why the fetch failed. */
    private readonly askByMessage: (indices: number[], replace: boolean, reason?: string) => void,
    private readonly answerWithinMs = DEFAULT_ANSWER_WITHIN_MS,
  ) {}

  want(indices: readonly number[], replace: boolean): void {
    if (this.failed) return this.askByMessage([...indices], replace);
    if (replace) this.dispose();
    for (const index of indices)
      if (!this.queued.has(index)) {
        this.queued.add(index);
        this.queue.push(index);
      }
    this.pump();
  }

  /** Cancels what is on its way and drops what is queued; a later `want` starts afresh. */
  dispose(): void {
    for (const request of this.running) request.abort();
    this.running.clear();
    this.queue = [];
    this.queued.clear();
  }

  private pump(): void {
    while (!this.failed && this.running.size < REQUESTS_AT_ONCE && this.queue.length > 0) {
      const indices = this.queue.splice(0, SETS_PER_REQUEST);
      for (const index of indices) this.queued.delete(index);
      const request = new AbortController();
      this.running.add(request);
      void this.fetchSets(indices, request).finally(() => {
        this.running.delete(request);
        this.pump();
      });
    }
  }

  private async fetchSets(indices: number[], request: AbortController): Promise<void> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, this.answerWithinMs);
    let sets: FrameSet[];
    try {
      const response = await fetch(`${this.url}?i=${indices.join(',')}`, { signal: request.signal });
      if (!response.ok) throw new Error(`the frame server answered ${response.status}`);
      sets = decodeFrameBatch(await response.arrayBuffer());
    } catch (error) {
      // Cancelled by a seek: nothing failed.
      if (request.signal.aborted && !timedOut) return;
      this.fallBack(indices, timedOut ? new Error(`no answer within ${this.answerWithinMs} ms`) : error);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (request.signal.aborted) return;
    for (const set of sets) this.deliver(set);
  }

  private fallBack(indices: number[], error: unknown): void {
    const reason = this.failed ? undefined : error instanceof Error ? error.message : String(error);
    this.failed = true;
    const rest = [...indices, ...this.queue];
    this.queue = [];
    this.queued.clear();
    this.askByMessage(rest, false, reason);
  }
}
