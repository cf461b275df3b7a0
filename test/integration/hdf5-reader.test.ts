// The HDF5 reader on h5py-written episodes: every encoding and filter, and a typed error for every kind of damage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { EpisodeFile, Hdf5Error } from '../../src/core/hdf5';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';

const execFileAsync = promisify(execFile);

let dir: string;
let cleanup: () => Promise<void>;
const FILTERS = ['gzip', 'lzf', 'blosc', 'blosc-zstd', 'bshuf', 'lz4'] as const;
const EXPECTED_FILTER: Record<(typeof FILTERS)[number], string> = {
  gzip: 'gzip',
  lzf: 'lzf',
  blosc: 'blosc-lz4',
  'blosc-zstd': 'blosc-zstd',
  bshuf: 'bitshuffle-lz4',
  lz4: 'lz4',
};
const base = { frames: 5, height: 24, width: 32, seed: 3 } satisfies Partial<EpisodeSpec>;

before(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeEpisodes(dir, [
    { path: 'raw-none.hdf5', ...base, encoding: 'raw' },
    ...FILTERS.map((compression): EpisodeSpec => ({
      path: `raw-${compression}.hdf5`,
      ...base,
      encoding: 'raw',
      compression,
    })),
    { path: 'raw-chunked.hdf5', ...base, encoding: 'raw', compression: 'gzip', chunk_frames: 4 },
    { path: 'jpeg-len.hdf5', ...base },
    { path: 'jpeg-trim.hdf5', ...base, compress_len: false },
    { path: 'jpeg-vlen.hdf5', ...base, jpeg_storage: 'vlen' },
    { path: 'jpeg-gzip.hdf5', ...base, compression: 'gzip' },
    // Recorder order differs from the sorted listing, and lengths are float32 as ALOHA writes them.
    {
      path: 'jpeg-aloha.hdf5',
      ...base,
      cameras: ['cam_right_wrist', 'cam_high', 'cam_left_wrist'],
      compress_len_dtype: 'float32',
    },
    { path: 'jpeg-corrupt.hdf5', ...base, corrupt_jpeg_frames: [2] },
    { path: 'unknown-filter.hdf5', ...base, unknown_filter: true },
    { path: 'damaged-chunk.hdf5', ...base, encoding: 'raw', compression: 'gzip', corrupt_chunk_frames: [3] },
    { path: 'truncated.hdf5', ...base, truncate_to_bytes: 6000 },
    { path: 'not-hdf5.hdf5', not_hdf5: true },
    { path: 'fps.hdf5', ...base, fps_attr: 15, task: 'stack the cups' },
  ]);
});
after(() => cleanup?.());

async function withEpisode<T>(name: string, use: (episode: EpisodeFile) => T): Promise<T> {
  const episode = await EpisodeFile.open(path.join(dir, name));
  try {
    return use(episode);
  } finally {
    episode.close();
  }
}

async function rawLastFrame(name: string): Promise<Uint8Array> {
  return withEpisode(name, (episode) => {
    const frame = episode.readFrame('cam_left_wrist', 4);
    assert.equal(frame.encoding, 'raw');
    return frame.bytes;
  });
}

test('raw frames decode identically through every filter', async () => {
  const reference = await rawLastFrame('raw-none.hdf5');
  assert.equal(reference.length, 24 * 32 * 3);
  assert.ok(
    reference.some((value) => value !== reference[0]),
    'the reference frame has content',
  );
  for (const compression of [...FILTERS, 'chunked']) {
    const name = `raw-${compression}.hdf5`;
    await withEpisode(name, (episode) => {
      const camera = episode.camera('cam_left_wrist');
      assert.deepEqual(
        { frames: camera.frames, height: camera.height, width: camera.width, encoding: camera.encoding },
        { frames: 5, height: 24, width: 32, encoding: 'raw' },
        name,
      );
      if (compression !== 'chunked')
        assert.equal(camera.filter, EXPECTED_FILTER[compression as (typeof FILTERS)[number]], name);
    });
    assert.deepEqual(await rawLastFrame(name), reference, `${name} decodes to the same pixels`);
  }
});

test('JPEG frames come back whole whatever stores their length', async () => {
  const reference = await withEpisode('jpeg-len.hdf5', (episode) => {
    assert.deepEqual(
      episode.cameras.map((camera) => [camera.name, camera.encoding, camera.height, camera.width, camera.filter]),
      [
        ['cam_high', 'jpeg', 24, 32, null],
        ['cam_left_wrist', 'jpeg', 24, 32, null],
        ['cam_right_wrist', 'jpeg', 24, 32, null],
      ],
    );
    return episode.cameras.map((camera) => episode.readFrame(camera.name, 4));
  });
  for (const frame of reference) {
    assert.equal(frame.encoding, 'jpeg');
    assert.deepEqual([frame.width, frame.height], [32, 24]);
    assert.deepEqual([...frame.bytes.subarray(0, 2), ...frame.bytes.subarray(-2)], [0xff, 0xd8, 0xff, 0xd9]);
  }
  for (const name of ['jpeg-trim.hdf5', 'jpeg-vlen.hdf5', 'jpeg-gzip.hdf5', 'jpeg-aloha.hdf5']) {
    await withEpisode(name, (episode) => {
      for (const [i, camera] of episode.cameras.entries()) {
        assert.deepEqual(episode.readFrame(camera.name, 4).bytes, reference[i]!.bytes, `${name} ${camera.name}`);
      }
    });
  }
  await withEpisode('jpeg-gzip.hdf5', (episode) => assert.equal(episode.camera('cam_high').filter, 'gzip'));
  await withEpisode('jpeg-vlen.hdf5', (episode) => assert.equal(episode.camera('cam_high').storage, 'vlen-jpeg'));
});

test('arrays read as rows of numbers, and root attributes are kept', async () => {
  await withEpisode('fps.hdf5', (episode) => {
    assert.deepEqual(
      episode.arrays.map((array) => [array.name, array.shape, array.dtype]),
      [
        ['effort', [5, 7], 'float64'],
        ['qpos', [5, 7], 'float64'],
        ['qvel', [5, 7], 'float64'],
        ['action', [5, 7], 'float64'],
      ],
    );
    const rows = episode.readArrayRows('qpos', 1, 3);
    assert.equal(rows.length, 2);
    assert.ok(rows.every((row) => row.length === 7 && row.every(Number.isFinite)));
    assert.equal(episode.fps, 15);
    assert.equal(episode.attributes.task, 'stack the cups');
  });
});

test('damage gives typed errors that name the file, dataset and filter', async () => {
  await assert.rejects(
    EpisodeFile.open(path.join(dir, 'truncated.hdf5')),
    (error: Hdf5Error) =>
      error.code === 'truncated' && /truncated\.hdf5 is truncated: 6,000 of [\d,]+ bytes/.test(error.message),
  );
  await assert.rejects(
    EpisodeFile.open(path.join(dir, 'not-hdf5.hdf5')),
    (error: Hdf5Error) => error.code === 'not-hdf5' && /not-hdf5\.hdf5 is not an HDF5 file/.test(error.message),
  );
  await assert.rejects(
    EpisodeFile.open(path.join(dir, 'gone.hdf5')),
    (error: Hdf5Error) => error.code === 'missing-file',
  );
  await withEpisode('unknown-filter.hdf5', (episode) => {
    assert.deepEqual(
      episode.issues.map((issue) => issue.code),
      ['unknown-filter'],
    );
    assert.throws(
      () => episode.readArray('mystery'),
      (error: Hdf5Error) =>
        error.code === 'unknown-filter' && /\/observations\/mystery.*filter 32099/.test(error.message),
    );
  });
  await withEpisode('damaged-chunk.hdf5', (episode) => {
    assert.equal(episode.readFrame('cam_high', 2).bytes.length, 24 * 32 * 3, 'undamaged frames still read');
    assert.throws(
      () => episode.readFrame('cam_high', 3),
      (error: Hdf5Error) => error.code === 'read-failed' && /damaged-chunk\.hdf5.*cam_high/.test(error.message),
    );
  });
  await withEpisode('jpeg-corrupt.hdf5', (episode) => {
    assert.throws(
      () => episode.readFrame('cam_high', 2),
      (error: Hdf5Error) => error.code === 'corrupt-frame' && /frame 2 of camera cam_high/.test(error.message),
    );
    assert.throws(
      () => episode.readFrame('cam_high', 5),
      (error: Hdf5Error) => error.code === 'bad-index' && /has 5 frames \(0–4\)/.test(error.message),
    );
    assert.throws(
      () => episode.readFrame('cam_low', 0),
      (error: Hdf5Error) => error.code === 'no-such-camera' && /cam_high, cam_left_wrist/.test(error.message),
    );
  });
});

test("HDF5's C error traces never reach stderr", async () => {
  const script = `const { EpisodeFile } = require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'core', 'hdf5'))});
    (async () => {
      for (const name of ['truncated.hdf5', 'not-hdf5.hdf5', 'damaged-chunk.hdf5']) {
        try { const e = await EpisodeFile.open(${JSON.stringify(dir)} + '/' + name); e.readFrame('cam_high', 3); } catch (error) { console.log(error.code); }
      }
    })();`;
  const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: REPO_ROOT,
  });
  assert.deepEqual(stdout.trim().split('\n'), ['truncated', 'not-hdf5', 'read-failed']);
  assert.doesNotMatch(stderr, /HDF5-DIAG|#00\d/);
});
