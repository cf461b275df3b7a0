// Loads the bundled CommonJS files that every scan runs (the CLI's command group, h5wasm) with V8's code cache kept on
// disk, so that a later process skips parsing and compiling what an earlier one compiled: Node 20 has no compile
// cache of its own (module.enableCompileCache came in Node 22).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';

/**
 * V8 checks a cache only against the source's length, its own version and its flags: a file changed in place to
 * the same length would run the code compiled from the old one. The cache is used only for the file it was made from
 * (path, inode, size, modification time), and never shared between users: a private folder of the user's cache.
 */
interface CacheKey {
  readonly file: string;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** V8's version, flags and CPU features (the CLI runs with other flags than the editor). */
  readonly v8: number;
}

interface Loaded {
  readonly script: Script;
  readonly key: CacheKey;
  readonly cacheFile: string;
  /** The cache on disk was taken (nothing to write). */
  used: boolean;
}

const loaded = new Map<string, Loaded>();
let cacheDir: string | null | undefined;

/** `$XDG_CACHE_HOME/ctrl-world-flexiv/v8` (or ~/.cache/…), 0700; null where it cannot be made ours. */
function privateCacheDir(): string | null {
  if (cacheDir !== undefined) return cacheDir;
  cacheDir = null;
  try {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    const dir = path.join(base, 'ctrl-world-flexiv', 'v8');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = fs.lstatSync(dir);
    const uid = process.getuid?.() ?? -1;
    if (info.isDirectory() && (uid < 0 || info.uid === uid) && (info.mode & 0o077) === 0) cacheDir = dir;
  } catch {
    // No cache: every process compiles, as without this module.
  }
  return cacheDir;
}

/** A short, stable name for a path (FNV-1a): two installations of the same file get two caches. */
function pathHash(file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function sameKey(a: CacheKey, b: CacheKey): boolean {
  return a.file === b.file && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.v8 === b.v8;
}

/** The cache file: one line of JSON (its key), then V8's bytes. */
function readCache(cacheFile: string, key: CacheKey): Buffer | undefined {
  try {
    const bytes = fs.readFileSync(cacheFile);
    const end = bytes.indexOf(0x0a);
    if (end < 0 || !sameKey(JSON.parse(bytes.subarray(0, end).toString()) as CacheKey, key)) return undefined;
    return bytes.subarray(end + 1);
  } catch {
    return undefined;
  }
}

/**
 * `require(file)` for a bundled CommonJS file, compiled with the cache a previous process left for it when that cache
 * was made from this very file. Call `saveCodeCache(file)` once the code that matters has run.
 */
export function requireWithCodeCache(file: string): unknown {
  const stat = fs.statSync(file);
  const key: CacheKey = { file, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, v8: cachedDataVersionTag() };
  const dir = privateCacheDir();
  const cacheFile = dir ? path.join(dir, `${path.basename(file)}-${pathHash(file)}.cache`) : '';
  const cachedData = dir ? readCache(cacheFile, key) : undefined;
  const source = fs.readFileSync(file, 'utf8');
  // The wrapper Node itself puts around a CommonJS file.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  loaded.set(file, { script, key, cacheFile, used: cachedData !== undefined && !script.cachedDataRejected });
  const module = { exports: {} as unknown, filename: file };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/**
 * Writes the cache of a file loaded by requireWithCodeCache, with every function compiled so far, unless the cache
 * on disk was used. Written whole or not at all (temporary file, then rename); a failure only means no cache.
 */
export function saveCodeCache(file: string): void {
  const entry = loaded.get(file);
  if (!entry || entry.used || !entry.cacheFile) return;
  entry.used = true;
  const temporary = `${entry.cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    const header = Buffer.from(JSON.stringify(entry.key) + '\n');
    fs.writeFileSync(temporary, Buffer.concat([header, entry.script.createCachedData()]), { mode: 0o600 });
    fs.renameSync(temporary, entry.cacheFile);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Left for the next writer to replace; it is never read under this name.
    }
  }
}
