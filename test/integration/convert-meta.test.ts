// The meta conversion on h5py-written episodes, checked against values numpy computes independently
// (test/fixtures/expected_meta.py): lengths, percentiles, sample windows; then re-runs, changes and flags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  convertDataset,
  DEFAULT_CONVERT_OPTIONS,
  type Annotation,
  type ConvertOptions,
  type SampleEntry,
  type StatJson,
} from '../../src/core/convert';
import { setFlag } from '../../src/core/dataset/flags';
import { runCli } from '../../src/cli/main';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let input: string;
const options: ConvertOptions = {
  ...DEFAULT_CONVERT_OPTIONS,
  name: 'flexiv_1113',
  split: { kind: 'ratio', ratio: 0.25, seed: 3 },
};
const GOOD = [
  'ep_0.hdf5',
  'ep_1.hdf5',
  'ep_2.hdf5',
  'ep_3.hdf5',
  'sub/ep_4.hdf5',
  'ep_10.hdf5',
  'ep_11.hdf5',
  'ep_12.hdf5',
];

interface Expected {
  episodes: Record<
    string,
    {
      video_length: number;
      raw_length: number;
      starts: number[];
      first_state: number[];
      last_raw: number[];
      cartesian: number[][];
      gripper: number[];
    }
  >;
  state_01: number[];
  state_99: number[];
}

before(async () => {
  ({ dir, cleanup } = await tempDir());
  input = path.join(dir, 'episodes');
  const small = {
    height: 16,
    width: 24,
    arrays: ['qpos', 'qvel', 'effort', 'tcp_pose', 'gripper_width'] as EpisodeSpec['arrays'],
  };
  await writeEpisodes(input, [
    ...GOOD.map((file, i) => ({ path: file, frames: 70 + 13 * i, seed: i + 1, ...small, task: 'stack the cups' })),
    { path: 'short.hdf5', frames: 40, seed: 20, ...small },
    { path: 'nan.hdf5', frames: 80, seed: 21, ...small, nan_in: { qpos: [7] } },
    { path: 'two_cameras.hdf5', frames: 80, seed: 22, ...small, cameras: ['cam_high', 'cam_left_wrist'] },
    { path: 'mismatch.hdf5', frames: 80, seed: 23, ...small, camera_frames: { cam_high: 79 } },
    { path: 'broken.hdf5', frames: 80, seed: 24, ...small, truncate_to_bytes: 3000 },
  ]);
});
after(() => cleanup?.());

const TCP = { pose: { array: 'tcp_pose', format: 'quat-wxyz' }, gripper: { array: 'gripper_width', column: null } };

async function oracle(splits: Record<string, string>, stride: number, arrays: object = TCP): Promise<Expected> {
  const request = {
    episodes: splits,
    root: input,
    ...TCP,
    ...arrays,
    stride,
    down_sample: 3,
    num_frames: options.numFrames,
    start_interval: options.startInterval,
  };
  return JSON.parse(
    await runProcess(
      SYSTEM_PYTHON,
      [path.join(REPO_ROOT, 'test', 'fixtures', 'expected_meta.py')],
      JSON.stringify(request),
    ),
  ) as Expected;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

const out = () => path.join(dir, 'flexiv_data');
const datasetDir = () => path.join(out(), 'flexiv_1113');
const metaDir = () => path.join(dir, 'flexiv_data_meta_info', 'flexiv_1113');

async function annotations(): Promise<Map<string, { split: string; annotation: Annotation }>> {
  const byFile = new Map<string, { split: string; annotation: Annotation }>();
  for (const split of ['train', 'val']) {
    for (const name of await readdir(path.join(datasetDir(), 'annotation', split)).catch(() => [])) {
      const annotation = await readJson<Annotation>(path.join(datasetDir(), 'annotation', split, name));
      byFile.set(annotation.source.file, { split, annotation });
    }
  }
  return byFile;
}

function close(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((value, i) =>
    assert.ok(
      Math.abs(value - expected[i]!) <= 1e-12 * Math.max(1, Math.abs(expected[i]!)),
      `${what}[${i}]: ${value} vs ${expected[i]}`,
    ),
  );
}

test('annotations, stat.json and sample lists match numpy on the same episodes', async () => {
  const summary = await convertDataset({ input, outRoot: out(), options });
  assert.deepEqual(summary.skipped.map((entry) => entry.file).sort(), [
    'broken.hdf5',
    'mismatch.hdf5',
    'nan.hdf5',
    'short.hdf5',
    'two_cameras.hdf5',
  ]);
  const reasons = Object.fromEntries(summary.skipped.map((entry) => [entry.file, entry.reason]));
  assert.match(reasons['nan.hdf5']!, /qpos has NaN or Inf values \(first at frame 7\)/);
  assert.match(reasons['two_cameras.hdf5']!, /camera cam_right_wrist missing/);
  assert.match(reasons['mismatch.hdf5']!, /frame counts differ: cam_high 79/);
  assert.match(reasons['broken.hdf5']!, /truncated/);
  assert.match(reasons['short.hdf5']!, /too short/);
  assert.deepEqual(
    { episodes: summary.episodes, train: summary.train, val: summary.val },
    { episodes: 8, train: 6, val: 2 },
  );

  const written = await annotations();
  assert.deepEqual([...written.keys()].sort(), [...GOOD].sort());
  const splits = Object.fromEntries([...written].map(([file, { split }]) => [file, split]));
  const expected = await oracle(splits, 6);
  const samples = {
    train: await readJson<SampleEntry[]>(path.join(metaDir(), 'train_sample.json')),
    val: await readJson<SampleEntry[]>(path.join(metaDir(), 'val_sample.json')),
  };
  for (const [file, { split, annotation }] of written) {
    const want = expected.episodes[file]!;
    assert.equal(annotation.video_length, want.video_length, `${file} video_length`);
    assert.equal(annotation.states.length, want.video_length, `${file} states at the video rate`);
    assert.equal(annotation.raw_length, want.raw_length, `${file} raw_length`);
    assert.equal(annotation['observation.state.joint_position'].length, want.raw_length);
    close(annotation.states[0]!, want.first_state, `${file} first state`);
    const cartesian = annotation['observation.state.cartesian_position'];
    const gripper = annotation['observation.state.gripper_position'];
    close([...cartesian[want.raw_length - 1]!, gripper[want.raw_length - 1]!], want.last_raw, `${file} last raw state`);
    want.cartesian.forEach((row, i) =>
      close(cartesian[i]!, row, `${file} cartesian_position[${i}]: tcp_pose as x, y, z, roll, pitch, yaw`),
    );
    close(gripper, want.gripper, `${file} gripper_position`);
    assert.deepEqual(annotation.source.pose_array, 'tcp_pose');
    assert.equal(annotation.source.pose_format, 'quat-wxyz');
    assert.equal(annotation.source.gripper_array, 'gripper_width');
    assert.deepEqual(annotation.texts, ['stack the cups']);
    assert.equal(
      annotation.latent_videos[2]!.latent_video_path,
      `latent_videos/${split}/${annotation.episode_id}/2.pt`,
    );
    const starts = samples[split as 'train' | 'val']
      .filter((sample) => sample.episode_id === annotation.episode_id)
      .map((sample) => sample.frame_ids[0]);
    assert.deepEqual(starts, want.starts, `${file} sample starts`);
    // What dataset_droid_exp33.py does: row frame x down_sample of the raw arrays is the state of video frame `frame`.
    for (const frame of [0, annotation.video_length - 1])
      assert.deepEqual([...cartesian[frame * 3]!, gripper[frame * 3]!], annotation.states[frame]);
  }
  const stat = await readJson<StatJson>(path.join(metaDir(), 'stat.json'));
  close(stat.state_01, expected.state_01, 'state_01');
  close(stat.state_99, expected.state_99, 'state_99');
});

test('a second run rewrites nothing; a changed episode, a flag or new options redo exactly what they touch', async () => {
  const again = await convertDataset({ input, outRoot: out(), options });
  assert.deepEqual(
    { written: again.written, reused: again.reused, removed: again.removed },
    { written: 0, reused: 8, removed: 0 },
  );
  const statBefore = await readFile(path.join(metaDir(), 'stat.json'), 'utf8');

  const before = await annotations();
  const touched = path.join(input, 'ep_1.hdf5');
  const later = new Date(Date.now() + 5000);
  await utimes(touched, later, later);
  const afterTouch = await convertDataset({ input, outRoot: out(), options });
  assert.deepEqual(
    { written: afterTouch.written, reused: afterTouch.reused },
    { written: 0, reused: 8 },
    'same content: re-read but not rewritten',
  );

  const flagged = [...before].find(([, { split }]) => split === 'train')![0];
  await setFlag(path.join(input, flagged), 'gripper camera fogged');
  const afterFlag = await convertDataset({ input, outRoot: out(), options });
  assert.equal(afterFlag.removed, 1);
  assert.deepEqual(
    afterFlag.skipped.find((entry) => entry.file === flagged),
    { file: flagged, reason: 'flagged: gripper camera fogged' },
  );
  const remaining = await annotations();
  assert.equal(remaining.has(flagged), false, "the flagged episode's annotation is gone");
  assert.notEqual(
    await readFile(path.join(metaDir(), 'stat.json'), 'utf8'),
    statBefore,
    'stat.json follows the training split',
  );
  for (const [file, { annotation }] of remaining)
    assert.equal(annotation.episode_id, before.get(file)!.annotation.episode_id, `${file} keeps its id`);

  const stride3 = await convertDataset({ input, outRoot: out(), options: { ...options, stride: 3 } });
  assert.equal(stride3.written, stride3.episodes, 'a new stride rewrites every annotation');
  const annotation = [...(await annotations()).values()][0]!.annotation;
  assert.equal(annotation.source.stride, 3);
  assert.equal(annotation.source.state_stride, 1, 'stride 3 / down_sample 3: the raw arrays keep every recorded frame');
  assert.equal(Math.ceil(annotation.raw_length / 3), annotation.video_length);
});

test("the CLI prints exactly the contract's keys, and a foreign file in the way is never deleted", async () => {
  const stray = path.join(datasetDir(), 'annotation', 'train', 'notes.txt');
  await writeFile(stray, 'mine');
  const out2 = path.join(dir, 'cli_out');
  const lines: string[] = [];
  const code = await runCli(
    [
      'convert',
      input,
      '--out',
      out2,
      '--name',
      'flexiv_1113',
      '--val-ratio',
      '0.25',
      '--seed',
      '3',
      '--meta-only',
      '--json',
    ],
    { out: (text) => lines.push(text), err: (text) => lines.push(text) },
    'test',
  );
  assert.equal(code, 0, lines.join('\n'));
  const json = JSON.parse(lines.join('\n')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['episodes', 'train', 'val', 'skipped']);
  assert.equal(json.episodes, 7, 'the flag from the previous test still holds');
  assert.deepEqual(Object.keys((json.skipped as object[])[0]!), ['file', 'reason']);
  assert.equal(await readFile(stray, 'utf8'), 'mine');
  const usage: string[] = [];
  assert.equal(
    await runCli(
      ['convert', input, '--out', out2, '--name', 'x', '--json'],
      { out: () => undefined, err: (text) => usage.push(text) },
      'test',
    ),
    2,
  );
  assert.match(usage.join(''), /--meta-only/);
  const replaced: string[] = [];
  assert.equal(
    await runCli(
      ['convert', input, '--out', out2, '--name', 'x', '--state', 'qpos', '--meta-only'],
      { out: () => undefined, err: (text) => replaced.push(text) },
      'test',
    ),
    2,
  );
  assert.match(replaced.join(''), /--state is gone: .*--pose qpos --pose-format joints/);
  const warned: string[] = [];
  const jointsRun = [
    'convert',
    input,
    '--out',
    path.join(dir, 'cli_joints'),
    '--name',
    'j',
    '--pose',
    'qpos',
    '--pose-format',
    'joints',
    '--meta-only',
    '--json',
  ];
  assert.equal(await runCli(jointsRun, { out: () => undefined, err: (text) => warned.push(text) }, 'test'), 0);
  assert.match(warned.join(''), /^warning: qpos is taken as joint angles/);
});

test('joint angles are taken only when chosen, with a warning; no pose array is an error naming the file', async () => {
  const aloha = path.join(dir, 'aloha');
  await writeEpisodes(
    aloha,
    [0, 1, 2].map((i) => ({ path: `ep_${i}.hdf5`, frames: 70, seed: 40 + i, height: 16, width: 24 })),
  );
  const outRoot = path.join(dir, 'aloha_out');
  await assert.rejects(convertDataset({ input: aloha, outRoot, options }), (error: Error) =>
    /ep_0\.hdf5: No end-effector pose array was found .*\/observations\/qpos \(70, 7\)/.test(error.message),
  );
  const joints = await convertDataset({
    input: aloha,
    outRoot,
    options: { ...options, pose: { array: 'qpos', format: 'joints' } },
  });
  assert.deepEqual(joints.choice, {
    pose: { array: 'qpos', format: 'joints' },
    gripper: { array: 'qpos', column: -1 },
  });
  assert.match(
    joints.warnings.join(' '),
    /qpos is taken as joint angles: Ctrl-World's pre-trained action encoder expects the end-effector pose/,
  );
  const files = Object.fromEntries(
    [...(await annotationsIn(path.join(outRoot, 'flexiv_1113')))].map(([file, a]) => [file, a]),
  );
  const expected = await oracle(Object.fromEntries(Object.keys(files).map((file) => [file, 'train'])), 6, {
    root: aloha,
    pose: { array: 'qpos', format: 'joints' },
    gripper: { array: 'qpos', column: 6 },
  });
  for (const [file, annotation] of Object.entries(files))
    close(annotation['observation.state.gripper_position'], expected.episodes[file]!.gripper, file);
});

test("the fork's /action (x, y, z, rx, ry, rz, gripper) is read as euler + its 7th column; a narrow pose array is skipped by name", async () => {
  const fork = path.join(dir, 'fork');
  await writeEpisodes(
    fork,
    [0, 1, 2].map((i) => ({ path: `ep_${i}.hdf5`, frames: 70, seed: 50 + i, height: 16, width: 24 })),
  );
  const outRoot = path.join(dir, 'fork_out');
  const chosen = {
    ...options,
    split: { kind: 'ratio' as const, ratio: 0, seed: 0 },
    pose: { array: 'action', format: 'euler' as const },
  };
  const summary = await convertDataset({ input: fork, outRoot, options: chosen });
  assert.deepEqual(summary.choice.gripper, { array: 'action', column: 6 });
  const written = await annotationsIn(path.join(outRoot, 'flexiv_1113'));
  const expected = await oracle(Object.fromEntries([...written.keys()].map((file) => [file, 'train'])), 6, {
    root: fork,
    pose: { array: 'action', format: 'euler' },
    gripper: { array: 'action', column: 6 },
  });
  for (const [file, annotation] of written) {
    expected.episodes[file]!.cartesian.forEach((row, i) =>
      close(annotation['observation.state.cartesian_position'][i]!, row, `${file}[${i}]`),
    );
  }
  await writeEpisodes(fork, [{ path: 'narrow.hdf5', frames: 70, seed: 59, height: 16, width: 24, qpos_dim: 3 }]);
  const narrow = await convertDataset({
    input: fork,
    outRoot,
    options: { ...chosen, pose: { array: 'qpos', format: 'euler' }, gripper: { array: 'action', column: 6 } },
  });
  assert.match(
    narrow.skipped.find((entry) => entry.file === 'narrow.hdf5')?.reason ?? '',
    /^\/observations\/qpos has shape \(70, 3\), not \(frames, 6\) for a euler pose \(x, y, z, roll, pitch, yaw\)$/,
  );
});

test("the raw frames' channel order is recorded for the latent encoder", async () => {
  const raw = path.join(dir, 'raw');
  await writeEpisodes(
    raw,
    [0, 1].map((i) => ({
      path: `ep_${i}.hdf5`,
      frames: 70,
      seed: 60 + i,
      height: 16,
      width: 24,
      encoding: 'raw' as const,
      raw_bgr: true,
      arrays: ['qpos', 'tcp_pose', 'gripper_width'] as EpisodeSpec['arrays'],
    })),
  );
  const outRoot = path.join(dir, 'raw_out');
  await convertDataset({
    input: raw,
    outRoot,
    options: { ...options, split: { kind: 'ratio', ratio: 0, seed: 0 }, rawColorOrder: 'bgr' },
  });
  for (const annotation of (await annotationsIn(path.join(outRoot, 'flexiv_1113'))).values())
    assert.equal(annotation.source.raw_color_order, 'bgr');
});

async function annotationsIn(dataset: string): Promise<Map<string, Annotation>> {
  const byFile = new Map<string, Annotation>();
  for (const split of ['train', 'val']) {
    for (const name of await readdir(path.join(dataset, 'annotation', split)).catch(() => [])) {
      const annotation = await readJson<Annotation>(path.join(dataset, 'annotation', split, name));
      byFile.set(annotation.source.file, annotation);
    }
  }
  return byFile;
}
