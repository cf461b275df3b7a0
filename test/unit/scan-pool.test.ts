// The scan pool's outside limit: a worker stuck inside one call is replaced, its file reported unchecked, and the
// files it held are read by the new worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ScanPool } from '../../src/core/dataset/scanPool';
import { DEFAULT_SCAN_OPTIONS, type EpisodeSummary } from '../../src/core/dataset';
import type { EpisodeFileEntry } from '../../src/core/dataset/walk';

const STUCK_WORKER = path.join(__dirname, '..', 'support', 'stuckScanWorker.mjs');

function entry(name: string): EpisodeFileEntry {
  return { path: `/data/${name}`, relative: name, sizeBytes: 1, mtimeMs: 1 };
}

test('a worker stuck on one file is replaced: that file times out, every other file is still read', async () => {
  const pool = new ScanPool(1, STUCK_WORKER);
  const entries = ['a.hdf5', 'stuck.hdf5', 'b.hdf5', 'c.hdf5'].map(entry);
  const done = new Map<string, EpisodeSummary | 'timed out'>();
  const started = performance.now();
  try {
    await pool.summarizeAll(
      entries,
      { ...DEFAULT_SCAN_OPTIONS, checkSeconds: 0.1 },
      (index, summary) => done.set(entries[index]!.relative, summary.frames === 1 ? summary : 'timed out'),
      (timedOut) => ({ ...(done.get('a.hdf5') as EpisodeSummary), path: timedOut.path, frames: 0 }),
    );
  } finally {
    await pool.dispose();
  }
  assert.deepEqual([...done.keys()].sort(), ['a.hdf5', 'b.hdf5', 'c.hdf5', 'stuck.hdf5']);
  assert.equal(done.get('stuck.hdf5'), 'timed out');
  for (const name of ['a.hdf5', 'b.hdf5', 'c.hdf5']) assert.notEqual(done.get(name), 'timed out', name);
  // 2 x 0.1 s + 5 s of slack, once.
  assert.ok(performance.now() - started < 8_000, `${(performance.now() - started).toFixed(0)} ms`);
});

test('a cancelled pool rejects at once, even with a worker stuck', async () => {
  const pool = new ScanPool(1, STUCK_WORKER);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const started = performance.now();
  try {
    await assert.rejects(
      pool.summarizeAll(
        [entry('stuck.hdf5')],
        DEFAULT_SCAN_OPTIONS,
        () => undefined,
        () => assert.fail('no file times out before the cancel'),
        controller.signal,
      ),
      { name: 'CancelledError' },
    );
  } finally {
    await pool.dispose();
  }
  assert.ok(performance.now() - started < 1_500, `${(performance.now() - started).toFixed(0)} ms`);
});
