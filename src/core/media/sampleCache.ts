// The local cache of validation videos in the extension's global storage: fetched on demand, capped in size, the
// least recently used evicted first. A file's modification time is its last use, so the folder itself is the index
// and nothing can go out of step with it; files arrive complete (the download renames a finished .part).
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';

export interface CachedSource {
  /** Where the file comes from: a host key and its absolute path there. */
  readonly hostKey: string;
  readonly remotePath: string;
  /** Size and time identify the version: a file written anew is fetched anew. */
  readonly size: number;
  readonly mtimeMs: number;
}

/** Brings the source's bytes into `destination` (complete, or not at all). */
export type Fetcher = (destination: string) => Promise<void>;
/** Readies a fetched file before it enters the cache (e.g. converts a video that would not play). */
export type Preparer = (file: string) => Promise<void>;

const STALE_PART_MS = 60 * 60 * 1000;
/** The name a file has while it is fetched and prepared; its download's .part files carry it too. */
const INCOMING = '.incoming.mp4';

export class SampleCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    readonly dir: string,
    private limitBytes: number,
  ) {}

  setLimit(bytes: number): void {
    this.limitBytes = bytes;
  }

  /** The cache file of a source: a hash of where it comes from and its version, plus its readable name. */
  fileFor(source: CachedSource): string {
    const hash = createHash('sha256')
      .update(`${source.hostKey}\0${source.remotePath}\0${source.size}\0${source.mtimeMs}`)
      .digest('hex')
      .slice(0, 20);
    return path.join(this.dir, `${hash}-${path.basename(source.remotePath).replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  }

  /** The cached file, marked as just used; undefined when it is not cached. */
  async lookup(source: CachedSource): Promise<string | undefined> {
    const file = this.fileFor(source);
    try {
      const now = new Date();
      await utimes(file, now, now);
      return file;
    } catch {
      return undefined;
    }
  }

  /**
   * The cached file, fetched (and prepared) first when needed under a temporary name that becomes the cache file
   * only when ready; then the cache is brought back under its limit.
   */
  get(source: CachedSource, fetcher: Fetcher, prepare?: Preparer): Promise<string> {
    const file = this.fileFor(source);
    const running = this.inFlight.get(file);
    if (running) return running;
    const work = (async () => {
      const cached = await this.lookup(source);
      if (cached) return cached;
      await mkdir(this.dir, { recursive: true });
      const incoming = `${file}${INCOMING}`;
      await fetcher(incoming);
      await prepare?.(incoming);
      await rename(incoming, file);
      await this.evict(new Set([file]));
      return file;
    })().finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, work);
    return work;
  }

  /** Removes least recently used files until the total is within the limit; `keep` is never removed. */
  async evict(keep: ReadonlySet<string> = new Set()): Promise<string[]> {
    const entries = await this.entries();
    const removed: string[] = [];
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    for (const entry of entries.sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (total <= this.limitBytes) break;
      if (keep.has(entry.file) || this.inFlight.has(entry.file)) continue;
      await rm(entry.file, { force: true });
      total -= entry.size;
      removed.push(entry.file);
    }
    return removed;
  }

  async usage(): Promise<{ bytes: number; files: number }> {
    const entries = await this.entries();
    return { bytes: entries.reduce((sum, entry) => sum + entry.size, 0), files: entries.length };
  }

  /** Finished files; leftovers of copies interrupted long ago are cleared on the way. */
  private async entries(): Promise<Array<{ file: string; size: number; lastUsed: number }>> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries: Array<{ file: string; size: number; lastUsed: number }> = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (name.includes(INCOMING) || name.endsWith('.converting.mp4')) {
        if (Date.now() - info.mtimeMs > STALE_PART_MS) await rm(file, { force: true });
        continue;
      }
      entries.push({ file, size: info.size, lastUsed: info.mtimeMs });
    }
    return entries;
  }
}
