import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { requireWithCodeCache, saveCodeCache } from '../../src/core/codeCache';

// The cache folder is chosen at the first load, from XDG_CACHE_HOME: a fresh one for this file's tests.
const home = mkdtempSync(path.join(tmpdir(), 'cwf-code-cache-'));
process.env.XDG_CACHE_HOME = home;
const cacheDir = path.join(home, 'ctrl-world-flexiv', 'v8');

function bundle(source: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cwf-bundle-')), 'bundle.js');
  writeFileSync(file, source);
  return file;
}

const cacheFiles = () => readdirSync(cacheDir).map((name) => path.join(cacheDir, name));

test('a bundle loads like require(), and its cache is written once, private, and then used', () => {
  const file = bundle("const path = require('node:path'); module.exports = { name: path.basename(__filename) };");
  assert.deepEqual(requireWithCodeCache(file), { name: 'bundle.js' });
  saveCodeCache(file);
  const [cache] = cacheFiles();
  assert.ok(cache);
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  assert.equal(statSync(cache).mode & 0o777, 0o600);
  const written = statSync(cache).mtimeMs;
  assert.deepEqual(requireWithCodeCache(file), { name: 'bundle.js' });
  saveCodeCache(file);
  assert.equal(statSync(cache).mtimeMs, written, 'the cache was used, so it is not written again');
});

test('a bundle changed in place to the same length runs its new code, not the cached old one', () => {
  const file = bundle("module.exports = { value: 'old' };");
  assert.deepEqual(requireWithCodeCache(file), { value: 'old' });
  saveCodeCache(file);
  // Same length: V8 alone would take the old cache for it. A second later, as an editor or an update would write it.
  writeFileSync(file, "module.exports = { value: 'new' };");
  const later = new Date(statSync(file).mtimeMs + 1000);
  utimesSync(file, later, later);
  assert.deepEqual(requireWithCodeCache(file), { value: 'new' });
  saveCodeCache(file);
  assert.deepEqual(requireWithCodeCache(file), { value: 'new' });
});

test('a damaged cache file is ignored and replaced', () => {
  const file = bundle('module.exports = 6 * 7;');
  assert.equal(requireWithCodeCache(file), 42);
  saveCodeCache(file);
  const before = new Set(cacheFiles());
  const cache = cacheFiles().find((name) => readFileSync(name, 'utf8').includes(JSON.stringify(file)))!;
  assert.ok(before.has(cache));
  writeFileSync(cache, 'not a cache\n\u0000\u0001');
  assert.equal(requireWithCodeCache(file), 42);
  saveCodeCache(file);
  assert.notEqual(readFileSync(cache, 'utf8').slice(0, 11), 'not a cache');
  assert.equal(requireWithCodeCache(file), 42);
});
