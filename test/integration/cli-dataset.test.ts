// The built CLI (dist/cli.js, with its worker threads) on h5py-written episodes: scan's JSON contract,
// validate's exit codes, and frame writing JPEG bytes or a PNG that Pillow reads back pixel for pixel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EpisodeFile } from '../../src/core/hdf5';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
let dir: string;
let cleanup: () => Promise<void>;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run "npm run build" first (npm test does)`);
  ({ dir, cleanup } = await tempDir());
  const many = Array.from({ length: 32 }, (_, i): EpisodeSpec => ({
    path: `many/episode_${i}.hdf5`,
    frames: 6,
    height: 16,
    width: 24,
    seed: i,
  }));
  await writeEpisodes(dir, [
    ...many,
    { path: 'mixed/jpeg.hdf5', frames: 5, height: 24, width: 32 },
    { path: 'mixed/raw.hdf5', frames: 5, height: 24, width: 32, encoding: 'raw', compression: 'lzf', seed: 4 },
    { path: 'mixed/truncated.hdf5', frames: 5, truncate_to_bytes: 2000 },
  ]);
});
after(() => cleanup?.());

test("scan --json keeps the contract's keys, and worker threads give the same answer as the main thread", async () => {
  const withWorkers = await cli('scan', dir, '--json', '--jobs', '3'); // two worker threads and the main one
  assert.equal(withWorkers.code, 0, withWorkers.stderr);
  assert.equal(withWorkers.stderr, '');
  const json = JSON.parse(withWorkers.stdout);
  assert.deepEqual(Object.keys(json), ['root', 'episodes', 'summary']);
  assert.equal(json.root, dir);
  assert.deepEqual(Object.keys(json.summary), ['episodes', 'frames', 'errors', 'warnings']);
  assert.deepEqual(json.summary, { episodes: 35, frames: 32 * 6 + 10, errors: 1, warnings: 0 });
  const jpeg = json.episodes.find((episode: { file: string }) => episode.file === 'mixed/jpeg.hdf5');
  assert.deepEqual(Object.keys(jpeg), ['file', 'frames', 'sizeBytes', 'cameras', 'arrays', 'problems']);
  assert.deepEqual(jpeg.cameras[0], {
    name: 'cam_high',
    frames: 5,
    height: 24,
    width: 32,
    encoding: 'jpeg',
    filter: null,
  });
  assert.deepEqual(jpeg.arrays.action, { shape: [5, 7], dtype: 'float64' });
  assert.deepEqual(Object.keys(jpeg.arrays), ['effort', 'qpos', 'qvel', 'action']);
  const truncated = json.episodes.find((episode: { file: string }) => episode.file === 'mixed/truncated.hdf5');
  assert.deepEqual(
    truncated.problems.map((problem: object) => Object.keys(problem)),
    [['severity', 'code', 'message']],
  );
  assert.equal(truncated.problems[0].code, 'truncated');

  const mainThread = await cli('scan', dir, '--json', '--jobs', '0');
  assert.deepEqual(JSON.parse(mainThread.stdout), json);
});

test('validate lists the problems and exits 1 on an error, 0 on a clean folder', async () => {
  const broken = await cli('validate', path.join(dir, 'mixed'));
  assert.equal(broken.code, 1);
  assert.match(
    broken.stdout,
    /error\s+truncated\s+mixed\/truncated\.hdf5 is truncated: 2,000 of [\d,]+ bytes are on disk/,
  );
  assert.match(broken.stdout, /3 episodes checked: 1 errors, 0 warnings\./);
  assert.doesNotMatch(broken.stderr, /HDF5-DIAG/);
  const clean = await cli('validate', path.join(dir, 'many'));
  assert.equal(clean.code, 0, clean.stdout);
  assert.equal((await cli('validate')).code, 2, 'a missing folder argument is a usage error');
  assert.equal((await cli('validate', dir, '--samples', 'none')).code, 2);
});

test('frame writes JPEG frames as stored and raw frames as a PNG with the same pixels', async () => {
  const jpegOut = path.join(dir, 'out', 'frame.jpg');
  const jpeg = await cli('frame', path.join(dir, 'mixed', 'jpeg.hdf5'), 'cam_left_wrist', '4', '--out', jpegOut);
  assert.equal(jpeg.code, 0, jpeg.stderr);
  const episode = await EpisodeFile.open(path.join(dir, 'mixed', 'jpeg.hdf5'));
  try {
    assert.deepEqual(new Uint8Array(await readFile(jpegOut)), episode.readFrame('cam_left_wrist', 4).bytes);
  } finally {
    episode.close();
  }

  const pngOut = path.join(dir, 'out', 'raw');
  const raw = await cli('frame', path.join(dir, 'mixed', 'raw.hdf5'), 'cam_high', '3', '--out', pngOut, '--json');
  assert.equal(raw.code, 0, raw.stderr);
  assert.deepEqual(
    { ...JSON.parse(raw.stdout), bytes: 0 },
    {
      file: path.join(dir, 'mixed', 'raw.hdf5'),
      camera: 'cam_high',
      index: 3,
      encoding: 'raw',
      width: 32,
      height: 24,
      out: `${pngOut}.png`,
      bytes: 0,
    },
  );
  const same = await runProcess(SYSTEM_PYTHON, [
    '-c',
    [
      'import sys, h5py, numpy, PIL.Image',
      'png = numpy.asarray(PIL.Image.open(sys.argv[1]))',
      'stored = h5py.File(sys.argv[2])["observations/images/cam_high"][3]',
      'print(png.shape == stored.shape and bool((png == stored).all()))',
    ].join('\n'),
    `${pngOut}.png`,
    path.join(dir, 'mixed', 'raw.hdf5'),
  ]);
  assert.equal(same.trim(), 'True', 'Pillow reads the PNG back as the pixels h5py reads');
});

test('frame refuses a bad index, camera or extension with a clear message', async () => {
  const file = path.join(dir, 'mixed', 'jpeg.hdf5');
  const badIndex = await cli('frame', file, 'cam_high', '5', '--out', path.join(dir, 'x.jpg'));
  assert.equal(badIndex.code, 1);
  assert.match(badIndex.stderr, /camera cam_high has 5 frames \(0–4\); frame 5 does not exist/);
  const badCamera = await cli('frame', file, 'cam_low', '0', '--out', path.join(dir, 'x.jpg'));
  assert.equal(badCamera.code, 1);
  assert.match(badCamera.stderr, /has no camera "cam_low" \(cameras: cam_high, cam_left_wrist, cam_right_wrist\)/);
  const badExtension = await cli('frame', file, 'cam_high', '0', '--out', path.join(dir, 'x.png'));
  assert.equal(badExtension.code, 2);
  assert.match(badExtension.stderr, /stored as JPEG: give --out a \.jpg or \.jpeg name/);
  assert.equal((await cli('frame', file, 'cam_high', 'last', '--out', path.join(dir, 'x.jpg'))).code, 2);
  const truncated = await cli(
    'frame',
    path.join(dir, 'mixed', 'truncated.hdf5'),
    'cam_high',
    '0',
    '--out',
    path.join(dir, 'x.jpg'),
  );
  assert.equal(truncated.code, 1);
  assert.match(truncated.stderr, /truncated\.hdf5 is truncated/);
  assert.doesNotMatch(truncated.stderr, /HDF5-DIAG|name not defined/);
});
