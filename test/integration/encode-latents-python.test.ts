// The latent encoder's torch-free parts under Debian's python3 (numpy, h5py, PIL), and the contract between the
// annotations the converter writes and the tasks the encoder reads from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { convertDataset, DEFAULT_CONVERT_OPTIONS } from '../../src/core/convert';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir, writeEpisodes } from '../support/fixtures';

const execFileAsync = promisify(execFile);
const KIT = path.join(REPO_ROOT, 'remote-kit');

test("the encoder's unit tests pass (frames, scaling, resume checks, lock, error lines)", async () => {
  const { stdout, stderr } = await execFileAsync(
    SYSTEM_PYTHON,
    ['-m', 'unittest', 'discover', '-s', path.join(KIT, 'tests'), '-p', 'test_encode_latents.py', '-v'],
    { cwd: REPO_ROOT, timeout: 120_000 },
  );
  const report = `${stdout}${stderr}`;
  assert.match(report, /^OK/m, report);
  assert.match(report, /Ran [12]\d tests/, 'every test ran');
});

test("the encoder reads the converter's annotations as tasks: episode file, cameras, stride, frames, outputs", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const input = path.join(dir, 'raw');
  await writeEpisodes(input, [
    { path: 'a/episode_0.hdf5', frames: 64, height: 16, width: 24, fps_attr: 15 },
    { path: 'episode_1.hdf5', frames: 90, height: 16, width: 24 },
  ]);
  const options = {
    ...DEFAULT_CONVERT_OPTIONS,
    name: 'flexiv_1113',
    pose: { array: 'qpos', format: 'joints' as const },
    views: ['cam_right_wrist', 'cam_high', 'cam_left_wrist'],
    split: { kind: 'ratio' as const, ratio: 0, seed: 0 },
  };
  const summary = await convertDataset({ input, outRoot: path.join(dir, 'data'), options });
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(KIT)}); import encode_latents as e; print(json.dumps(e.load_tasks(sys.argv[1], sys.argv[2])))`;
  const tasks = JSON.parse(
    await runProcess(SYSTEM_PYTHON, ['-c', script, summary.datasetDir, '/srv/episodes']),
  ) as Array<Record<string, unknown>>;
  assert.deepEqual(
    tasks.map(({ id, split, episode, cameras, stride, frames, height, width }) => ({
      id,
      split,
      episode,
      cameras,
      stride,
      frames,
      height,
      width,
    })),
    [
      {
        id: '0',
        split: 'train',
        episode: '/srv/episodes/a/episode_0.hdf5',
        cameras: ['cam_right_wrist', 'cam_high', 'cam_left_wrist'],
        stride: 3,
        frames: 22,
        height: 192,
        width: 320,
      },
      {
        id: '1',
        split: 'train',
        episode: '/srv/episodes/episode_1.hdf5',
        cameras: ['cam_right_wrist', 'cam_high', 'cam_left_wrist'],
        stride: 6,
        frames: 15,
        height: 192,
        width: 320,
      },
    ],
  );
  assert.deepEqual(
    tasks[1]!.outputs,
    [0, 1, 2].map((view) => path.join(summary.datasetDir, `latent_videos/train/1/${view}.pt`)),
  );
});
