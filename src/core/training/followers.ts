// One follower per run log, shared by everything that shows the run (the status bar with its log view, dashboards):
// each subscriber reads from its own offset with its own parser, the log is read by one loop per (host, run), and
// the last subscriber to leave stops that loop, so nothing reads a log that nothing shows.
import { CancelledError } from '../errors';
import { RunFollower, type FollowListener, type FollowOptions, type LogReader, type ReaderOptions } from './follow';
import type { LogParser } from './logParser';
import type { RunRegistry } from './registry';
import type { RunSummary } from './runRecord';

export interface FollowSubscription {
  /** This subscriber's parser: it saw the log from the offset the subscriber asked for. */
  readonly parser: LogParser;
  readonly bytesRead: number;
  /** The final summary once the run has ended and the whole log was read; rejects with CancelledError after close. */
  readonly done: Promise<RunSummary>;
  close(): void;
}

interface Subscriber {
  resolve(summary: RunSummary): void;
  reject(error: unknown): void;
}

interface Shared {
  readonly follower: RunFollower;
  readonly subscribers: Map<LogReader, Subscriber>;
}

export class RunFollowers {
  private readonly shared = new Map<string, Shared>();

  constructor(
    private readonly registryFor: (host: string) => Promise<RunRegistry>,
    private readonly options: Pick<FollowOptions, 'statusEveryMs'> = {},
  ) {}

  async subscribe(
    host: string,
    runId: string,
    listener: FollowListener,
    options: ReaderOptions = {},
  ): Promise<FollowSubscription> {
    const registry = await this.registryFor(host);
    const key = `${host}\0${runId}`;
    let entry = this.shared.get(key);
    if (!entry || entry.follower.ended) entry = this.start(key, new RunFollower(registry, runId, this.options));
    const { follower, subscribers } = entry;
    const reader = follower.attach(listener, options);
    const done = new Promise<RunSummary>((resolve, reject) => subscribers.set(reader, { resolve, reject }));
    // A subscriber that closes without waiting for the end has not lost anything: no unhandled rejection for it.
    done.catch(() => undefined);
    return {
      parser: reader.parser,
      get bytesRead() {
        return reader.bytesRead;
      },
      done,
      close: () => {
        const subscriber = subscribers.get(reader);
        if (!subscriber) return;
        subscribers.delete(reader);
        follower.detach(reader);
        subscriber.reject(new CancelledError());
        if (subscribers.size > 0) return;
        follower.stop();
        if (this.shared.get(key)?.follower === follower) this.shared.delete(key);
      },
    };
  }

  private start(key: string, follower: RunFollower): Shared {
    const entry: Shared = { follower, subscribers: new Map() };
    this.shared.set(key, entry);
    const settle = (each: (subscriber: Subscriber) => void) => {
      if (this.shared.get(key) === entry) this.shared.delete(key);
      for (const subscriber of entry.subscribers.values()) each(subscriber);
      entry.subscribers.clear();
    };
    follower.run().then(
      (summary) => settle((subscriber) => subscriber.resolve(summary)),
      (error: unknown) => settle((subscriber) => subscriber.reject(error)),
    );
    return entry;
  }

  /** Stops every follower, as when the extension closes. */
  dispose(): void {
    for (const { follower } of this.shared.values()) follower.stop();
    this.shared.clear();
  }
}
