// Scores of validation videos kept on disk beside the sample cache, so a video is measured once: keyed like the
// cache's videos by where it comes from and its version (size and modification time), plus the tile layout it was
// measured with. A file per video, the least recently read removed past a count (each is a few kilobytes).
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import type { CachedSource } from '../media/sampleCache';
import type { QualityLayout, SampleQuality } from './sampleQuality';

const FORMAT = 1;
const DEFAULT_MAX_ENTRIES = 5000;

/** JSON has no Infinity (PSNR of a tile equal to its truth) nor NaN: they are kept as strings. */
const replacer = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
const reviver = (_key: string, value: unknown) =>
  value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value === 'NaN' ? NaN : value;

export class QualityCache {
  private readonly inFlight = new Map<string, Promise<SampleQuality>>();

  constructor(
    readonly dir: string,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  fileFor(source: CachedSource, layout: QualityLayout): string {
    const hash = createHash('sha256')
      .update(`${source.hostKey}\0${source.remotePath}\0${source.size}\0${source.mtimeMs}\0`)
      .update(`${layout.height}x${layout.width}+${layout.history}`)
      .digest('hex')
      .slice(0, 24);
    return path.join(this.dir, `${hash}.json`);
  }

  /** The stored scores (their `file` is the video's path on its host), or undefined when never measured. */
  async lookup(source: CachedSource, layout: QualityLayout): Promise<SampleQuality | undefined> {
    const file = this.fileFor(source, layout);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const stored = JSON.parse(text, reviver) as { format: number; result: SampleQuality };
      if (stored.format !== FORMAT) return undefined;
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return stored.result;
    } catch {
      // A file cut short (a full disk): measured again and rewritten.
      return undefined;
    }
  }

  /** The stored scores, or `measure`'s, stored first; two asks for one video at once measure it once. */
  get(source: CachedSource, layout: QualityLayout, measure: () => Promise<SampleQuality>): Promise<SampleQuality> {
    const file = this.fileFor(source, layout);
    const running = this.inFlight.get(file);
    if (running) return running;
    const work = (async () => {
      const cached = await this.lookup(source, layout);
      if (cached) return cached;
      const result = { ...(await measure()), file: source.remotePath };
      await writeFileAtomic(file, JSON.stringify({ format: FORMAT, result }, replacer));
      await this.prune(file);
      return result;
    })().finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, work);
    return work;
  }

  /** Keeps the newest `maxEntries` files; `keep` is never removed. */
  private async prune(keep: string): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
    if (names.length <= this.maxEntries) return;
    const entries = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.dir, name);
        return { file, used: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries.slice(0, entries.length - this.maxEntries))
      if (entry.file !== keep) await rm(entry.file, { force: true });
  }
}
