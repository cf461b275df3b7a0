// Dataset scans on h5py-written folders: every problem found and worded, the scan going on past bad files,
// natural order, rates and lengths, rescans that read only what changed, and a 1,000-file tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetScanner, type EpisodeSummary, type ScanResult } from '../../src/core/dataset';
import { loadScanCache, saveScanCache } from '../../src/views/datasets/scanCache';
import { tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let result: ScanResult;
const base = { frames: 12, height: 24, width: 32 } satisfies Partial<EpisodeSpec>;

/** One folder where every episode but the first three has exactly one thing wrong. */
const PROBLEM_SPECS: EpisodeSpec[] = [
  { path: 'flexiv/good_1.hdf5', ...base, seed: 1 },
  { path: 'flexiv/good_2.hdf5', ...base, seed: 2, fps_attr: 15 },
  { path: 'flexiv/good_10.hdf5', ...base, seed: 10, encoding: 'raw', compression: 'blosc-zstd' },
  { path: 'flexiv/nan_action.hdf5', ...base, nan_in: { action: [3, 4] } },
  { path: 'flexiv/inf_qpos.hdf5', ...base, inf_in: { qpos: [11] } },
  { path: 'flexiv/missing_camera.hdf5', ...base, cameras: ['cam_high', 'cam_left_wrist'] },
  { path: 'flexiv/short_camera.hdf5', ...base, camera_frames: { cam_left_wrist: 9 } },
  { path: 'flexiv/action_6d.hdf5', ...base, action_dim: 6 },
  { path: 'flexiv/qpos_8d.hdf5', ...base, qpos_dim: 8 },
  { path: 'flexiv/empty.hdf5', ...base, frames: 0 },
  { path: 'flexiv/bigger_images.hdf5', ...base, camera_sizes: { cam_high: [48, 64] } },
  { path: 'flexiv/corrupt_jpeg.hdf5', ...base, corrupt_jpeg_frames: [11] },
  { path: 'flexiv/truncated.hdf5', ...base, truncate_to_bytes: 3000 },
  { path: 'flexiv/not_hdf5.hdf5', not_hdf5: true },
  { path: 'flexiv/unknown_filter.hdf5', ...base, unknown_filter: true },
  { path: 'flexiv/damaged_chunk.hdf5', ...base, encoding: 'raw', compression: 'gzip', corrupt_chunk_frames: [11] },
  { path: 'flexiv/no_cameras.hdf5', ...base, cameras: [] },
];

before(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeEpisodes(dir, PROBLEM_SPECS);
  result = await new DatasetScanner({}, { maxWorkers: 0 }).scan(dir);
});
after(() => cleanup?.());

function episode(name: string): EpisodeSummary {
  const found = result.episodes.find((candidate) => candidate.file === `flexiv/${name}.hdf5`);
  assert.ok(found, `${name} is listed`);
  return found;
}

function codes(name: string): string[] {
  return episode(name).problems.map((problem) => `${problem.severity}:${problem.code}`);
}

test('every kind of problem is found, on the file it belongs to, and nothing on good files', () => {
  const expected: Record<string, string[]> = {
    good_1: [],
    good_2: [],
    good_10: [],
    nan_action: ['error:non-finite'],
    inf_qpos: ['error:non-finite'],
    missing_camera: ['error:missing-camera'],
    short_camera: ['error:frame-count-mismatch'],
    action_6d: ['error:action-dim'],
    qpos_8d: ['error:qpos-dim'],
    empty: ['error:zero-length'],
    bigger_images: ['warning:image-size-mismatch'],
    // The fixture damages that frame in each of the three cameras: one problem per camera.
    corrupt_jpeg: ['error:corrupt-frame', 'error:corrupt-frame', 'error:corrupt-frame'],
    truncated: ['error:truncated'],
    not_hdf5: ['error:not-hdf5'],
    unknown_filter: ['error:unknown-filter'],
    damaged_chunk: ['error:read-failed', 'error:read-failed', 'error:read-failed'],
    no_cameras: ['error:no-cameras'],
  };
  for (const [name, want] of Object.entries(expected)) assert.deepEqual(codes(name), want, name);
  assert.equal(result.summary.episodes, PROBLEM_SPECS.length, 'a bad file never stops the scan');
  assert.deepEqual({ errors: result.summary.errors, warnings: result.summary.warnings }, { errors: 17, warnings: 1 });
});

test('messages name the dataset and file, say what is wrong and what to do', () => {
  const message = (name: string) => episode(name).problems[0]!.message;
  assert.match(
    message('nan_action'),
    /^flexiv\/nan_action\.hdf5: action has NaN or Inf values in 2 of 12 frames \(first at frame 3\)\. .*drop the episode/,
  );
  assert.match(message('inf_qpos'), /qpos has NaN or Inf values in 1 of 12 frames \(first at frame 11\)/);
  assert.match(
    message('missing_camera'),
    /camera cam_right_wrist missing, though \d+ of \d+ episodes of this dataset have it\./,
  );
  assert.match(
    message('short_camera'),
    /frame counts differ: cam_high 12, cam_left_wrist 9, cam_right_wrist 12, effort 12, qpos 12, qvel 12, action 12\./,
  );
  assert.match(
    message('action_6d'),
    /action has shape \(12, 6\): 6 values per frame, but the config's action_dim is 7\. .*ctrlWorld\.datasetActionDim/,
  );
  assert.match(
    message('bigger_images'),
    /camera cam_high is 48x64 \(height x width\), but 24x32 in \d+ of \d+ episodes/,
  );
  assert.match(
    message('corrupt_jpeg'),
    /camera cam_high: 1 of 8 checked frames cannot be decoded \(11\); frame 11 of camera cam_high is not a valid JPEG/,
  );
  assert.match(
    message('truncated'),
    /^flexiv\/truncated\.hdf5 is truncated: 3,000 of [\d,]+ bytes are on disk\. Copy the episode again/,
  );
  assert.match(message('not_hdf5'), /^flexiv\/not_hdf5\.hdf5 is not an HDF5 file/);
  assert.match(
    message('unknown_filter'),
    /dataset \/observations\/mystery is compressed with HDF5 filter 32099, which no installed plugin decodes\. Re-save/,
  );
  assert.match(message('damaged_chunk'), /row 11 of \/observations\/images\/cam_high cannot be read/);
});

test('summaries give natural order, cameras, arrays, lengths and rates', () => {
  const names = result.episodes.map((summary) => path.basename(summary.file, '.hdf5'));
  assert.ok(names.indexOf('good_2') < names.indexOf('good_10'), 'good_2 before good_10');
  const good = episode('good_10');
  assert.deepEqual(
    good.cameras.map((camera) => [
      camera.name,
      camera.frames,
      camera.height,
      camera.width,
      camera.encoding,
      camera.filter,
    ]),
    [
      ['cam_high', 12, 24, 32, 'raw', 'blosc-zstd'],
      ['cam_left_wrist', 12, 24, 32, 'raw', 'blosc-zstd'],
      ['cam_right_wrist', 12, 24, 32, 'raw', 'blosc-zstd'],
    ],
  );
  assert.deepEqual(Object.keys(good.arrays), ['effort', 'qpos', 'qvel', 'action']);
  assert.deepEqual(good.arrays.action, { shape: [12, 7], dtype: 'float64' });
  assert.deepEqual([good.frames, good.fps, good.fpsFromFile], [12, 30, false]);
  assert.deepEqual([episode('good_2').fps, episode('good_2').fpsFromFile], [15, true]);
  assert.equal(episode('truncated').readable, false);
  const [dataset] = result.datasets;
  assert.equal(result.datasets.length, 1);
  assert.deepEqual(
    [dataset!.name, dataset!.relative, dataset!.episodes.length],
    ['flexiv', 'flexiv', PROBLEM_SPECS.length],
  );
  assert.ok(Math.abs(dataset!.durationSeconds - result.episodes.reduce((sum, e) => sum + e.frames / e.fps, 0)) < 1e-9);
});

test('a rescan reads only the files whose size or mtime changed, and drops deleted ones', async () => {
  const scanner = new DatasetScanner({}, { maxWorkers: 0 });
  const first = await scanner.scan(dir);
  assert.equal(first.filesRead, PROBLEM_SPECS.length);
  const unchanged = await scanner.scan(dir);
  assert.equal(unchanged.filesRead, 0);
  assert.deepEqual(
    unchanged.episodes.map((e) => e.problems),
    first.episodes.map((e) => e.problems),
  );

  await writeEpisodes(dir, [{ path: 'flexiv/nan_action.hdf5', ...base }]); // fixed: same name, new content
  const touched = path.join(dir, 'flexiv', 'good_1.hdf5');
  await utimes(touched, new Date(), new Date(Date.now() + 5000)); // same size, new mtime
  await rm(path.join(dir, 'flexiv', 'not_hdf5.hdf5'));
  const rescan = await scanner.scan(dir);
  assert.equal(rescan.filesRead, 2);
  assert.equal(rescan.episodes.length, PROBLEM_SPECS.length - 1);
  assert.deepEqual(rescan.episodes.find((e) => e.file === 'flexiv/nan_action.hdf5')!.problems, []);
});

test('summaries saved in one session spare the next one from reading unchanged files', async () => {
  const first = new DatasetScanner({}, { maxWorkers: 0 });
  await first.scan(dir);
  const cacheFile = path.join(dir, 'state', 'dataset-scan-cache.json');
  await saveScanCache(cacheFile, '1.0.0', first.snapshot());

  const next = new DatasetScanner({}, { maxWorkers: 0 });
  next.restore((await loadScanCache(cacheFile, '1.0.0'))!);
  assert.equal((await next.scan(dir)).filesRead, 0);
  assert.equal(await loadScanCache(cacheFile, '1.0.1'), undefined, 'another version reads everything again');
  const otherOptions = new DatasetScanner({ actionDim: 6 }, { maxWorkers: 0 });
  otherOptions.restore(first.snapshot());
  assert.equal(
    (await otherOptions.scan(dir)).filesRead,
    PROBLEM_SPECS.length - 1,
    'other options read everything again',
  );
});

test('a cancelled scan throws and keeps what it had for the next one', async () => {
  const scanner = new DatasetScanner({}, { maxWorkers: 0 });
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    scanner.scan(dir, {
      signal: controller.signal,
      onProgress: () => {
        if (++seen === 3) controller.abort();
      },
    }),
    { name: 'CancelledError' },
  );
  const next = await scanner.scan(dir);
  assert.ok(
    next.filesRead < next.episodes.length,
    `the next scan reuses what was read (${next.filesRead} of ${next.episodes.length} read again)`,
  );
});

test('a 1,000-file tree scans in natural order, grouped by folder', async () => {
  const { dir: tree, cleanup: removeTree } = await tempDir();
  try {
    const [seed] = await writeEpisodes(tree, [{ path: 'seed.hdf5', frames: 2, height: 8, width: 8 }]);
    for (let folder = 0; folder < 10; folder++) {
      await mkdir(path.join(tree, 'robot', `day_${folder}`), { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          copyFile(seed!, path.join(tree, 'robot', `day_${folder}`, `episode_${i}.hdf5`)),
        ),
      );
    }
    await rm(seed!);
    // On this thread: worker threads would each compile the TypeScript sources again (the CLI test covers them).
    const scanner = new DatasetScanner({}, { maxWorkers: 0 });
    const scanned = await scanner.scan(tree);
    assert.equal(scanned.summary.episodes, 1000);
    assert.equal(scanned.summary.errors, 0);
    assert.deepEqual(
      scanned.datasets.map((dataset) => dataset.relative),
      Array.from({ length: 10 }, (_, i) => `robot/day_${i}`),
    );
    assert.deepEqual(
      scanned.episodes.slice(0, 3).map((e) => e.file),
      ['robot/day_0/episode_0.hdf5', 'robot/day_0/episode_1.hdf5', 'robot/day_0/episode_2.hdf5'],
    );
    assert.equal(scanned.episodes[10]!.file, 'robot/day_0/episode_10.hdf5');
    assert.equal((await scanner.scan(tree)).filesRead, 0);
  } finally {
    await removeTree();
  }
});
