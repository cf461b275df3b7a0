// Bounded work on untrusted episodes: a file cannot make a scan run for long, take the memory, or block the thread
// that asked for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatasetScanner, type EpisodeSummary } from '../../src/core/dataset';
import { MAX_PLOTTED_ROWS, openPreviewSource } from '../../src/core/preview/episodeSource';
import { loadHdf5, onHdf5Diagnostics } from '../../src/core/hdf5';
import { tempDir, writeEpisodes, writeHostileEpisode } from '../support/fixtures';

let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ dir, cleanup } = await tempDir());
  await Promise.all([
    writeHostileEpisode(path.join(dir, 'unwritten', 'ep.hdf5'), 'unwritten'),
    writeHostileEpisode(path.join(dir, 'bomb', 'ep.hdf5'), 'chunk-bomb'),
    writeHostileEpisode(path.join(dir, 'slow', 'a_slow.hdf5'), 'slow-gzip'),
    writeEpisodes(path.join(dir, 'slow'), [{ path: 'b_good.hdf5', frames: 12, height: 24, width: 32 }]),
  ]);
});
after(() => cleanup?.());

function codes(summary: EpisodeSummary): string[] {
  return summary.problems.map((problem) => problem.code);
}

test('arrays declaring 10^12 rows in a 4 KB file are checked only as far as the file can hold', async () => {
  const started = performance.now();
  const result = await new DatasetScanner({}, { maxWorkers: 0 }).scan(path.join(dir, 'unwritten'));
  assert.ok(performance.now() - started < 5_000, `scanned in ${(performance.now() - started).toFixed(0)} ms`);
  const [episode] = result.episodes;
  const unwritten = episode!.problems.filter((problem) => problem.code === 'unwritten-rows');
  assert.equal(unwritten.length, 2, JSON.stringify(episode!.problems));
  assert.match(unwritten[0]!.message, /declares 1000000000000 rows, but the file \(\d+ bytes\) can hold at most \d+/);
  assert.equal(unwritten[0]!.severity, 'warning');
  assert.ok(!codes(episode!).includes('check-timeout'));
});

test('a chunk that decompresses past the limit is a chunk-too-large problem naming dataset, shape and limit', async () => {
  const result = await new DatasetScanner({}, { maxWorkers: 0 }).scan(path.join(dir, 'bomb'));
  const problem = result.episodes[0]!.problems.find((candidate) => candidate.code === 'chunk-too-large');
  assert.ok(problem, JSON.stringify(result.episodes[0]!.problems));
  assert.match(problem.message, /dataset \/action is stored in chunks of \(4194304, 7\) elements, 224 MiB .* 128 MiB/);
});

test('a file over its check budget gets check-timeout and the scan goes on to the next file', async () => {
  const started = performance.now();
  const result = await new DatasetScanner({ checkSeconds: 0.3 }, { maxWorkers: 0 }).scan(path.join(dir, 'slow'));
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 3_000, `the budget held: ${elapsed.toFixed(0)} ms`);
  const [slow, good] = result.episodes;
  const timeout = slow!.problems.find((problem) => problem.code === 'check-timeout');
  assert.ok(timeout, JSON.stringify(slow!.problems));
  assert.match(timeout.message, /checks stopped after 0\.3 s at action row \d+ of 19988480/);
  assert.deepEqual(codes(good!), []);
});

test("an editor's scan reads on a worker: its thread stays free and Cancel ends the scan at once", async () => {
  const scanner = new DatasetScanner({ checkSeconds: 60 }, { workersOnly: true });
  const controller = new AbortController();
  let longestGap = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    longestGap = Math.max(longestGap, performance.now() - last);
    last = performance.now();
  }, 10);
  const cancelAt = setTimeout(() => controller.abort(), 1_500);
  const started = performance.now();
  try {
    await assert.rejects(scanner.scan(path.join(dir, 'slow'), { signal: controller.signal }), {
      name: 'CancelledError',
    });
  } finally {
    clearInterval(ticker);
    clearTimeout(cancelAt);
  }
  const elapsed = performance.now() - started;
  // The slow file alone takes ~6 s to check whole; a read on this thread would hold it that long.
  assert.ok(elapsed < 2_500, `cancelled after ${elapsed.toFixed(0)} ms`);
  assert.ok(longestGap < 400, `the calling thread was blocked for ${longestGap.toFixed(0)} ms`);
});

test('the preview plots at most MAX_PLOTTED_ROWS rows of a long array, every n-th frame', async () => {
  const source = await openPreviewSource(path.join(dir, 'unwritten', 'ep.hdf5'), {
    defaultFps: 30,
    rawColorOrder: 'rgb',
  });
  try {
    for (const series of source.episode.series) {
      assert.ok(series.values.length / series.dimensions <= MAX_PLOTTED_ROWS, series.name);
      assert.equal(series.frameStep, Math.ceil(1e12 / MAX_PLOTTED_ROWS));
    }
    assert.equal(source.episode.series.length, 2);
  } finally {
    source.close();
  }
});

test("a read past the reader's 2 GiB heap is told to HDF5's diagnostics, never printed on stderr", async () => {
  const runtime = await loadHdf5();
  const diagnostics: string[] = [];
  let printed = '';
  const write = process.stderr.write;
  onHdf5Diagnostics((text) => diagnostics.push(text));
  process.stderr.write = ((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(runtime.module._malloc(3_000_000_000), 0);
  } finally {
    process.stderr.write = write;
    onHdf5Diagnostics(undefined);
  }
  assert.equal(printed, '');
  assert.match(diagnostics.join(''), /Cannot enlarge memory/);
});
