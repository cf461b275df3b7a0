// Converted-dataset checks on real conversions: latent files in torch.save's format (test/fixtures/torch_pt.py),
// damaged ones, meta files out of step with the config, the hand-over note's per-episode tree, the CLI, and the same
// datasets checked on a GPU host through a real sshd (remote-kit/converted_snapshot.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { convertDataset, DEFAULT_CONVERT_OPTIONS, type Annotation } from '../../src/core/convert';
import { checkConverted, type ConvertedReport } from '../../src/core/convert/check';
import { convertedFilesOnHost } from '../../src/core/convert/remoteCheck';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { runCli } from '../../src/cli/main';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir, writeEpisodes } from '../support/fixtures';
import { startSshd } from '../support/sshd';

let dir: string;
let cleanup: () => Promise<void>;
let pristine: string;
const name = 'flexiv_1113';

interface TensorSpec {
  path: string;
  shape?: number[];
  dtype?: string;
  truncate_data?: boolean;
  garbage?: boolean;
}

async function writeTensors(specs: TensorSpec[]): Promise<void> {
  await runProcess(SYSTEM_PYTHON, [path.join(REPO_ROOT, 'test', 'fixtures', 'torch_pt.py')], JSON.stringify(specs));
}

before(async () => {
  ({ dir, cleanup } = await tempDir());
  const input = path.join(dir, 'episodes');
  await writeEpisodes(
    input,
    Array.from({ length: 5 }, (_, i) => ({
      path: `episode_${i}.hdf5`,
      frames: 60 + 6 * i,
      seed: i,
      height: 16,
      width: 24,
    })),
  );
  pristine = path.join(dir, 'pristine');
  await convertDataset({
    input,
    outRoot: path.join(pristine, 'data'),
    metaRoot: path.join(pristine, 'meta'),
    options: {
      ...DEFAULT_CONVERT_OPTIONS,
      name,
      split: { kind: 'every', k: 2 },
      pose: { array: 'qpos', format: 'joints' },
    },
  });
});
after(() => cleanup?.());

/** A fresh copy of the converted dataset, with every latent written (optionally not some). */
async function copy(label: string, latents = true): Promise<{ root: string; meta: string; annotations: Annotation[] }> {
  const base = path.join(dir, label);
  await cp(pristine, base, { recursive: true });
  const root = path.join(base, 'data');
  const annotations: Annotation[] = [];
  for (const split of ['train', 'val']) {
    for (const id of split === 'train' ? [0, 2, 4] : [1, 3]) {
      annotations.push(
        JSON.parse(await readFile(path.join(root, name, 'annotation', split, `${id}.json`), 'utf8')) as Annotation,
      );
    }
  }
  if (latents) {
    await writeTensors(
      annotations.flatMap((a) =>
        a.latent_videos.map((entry) => ({
          path: path.join(root, name, entry.latent_video_path),
          shape: [a.video_length, 4, 24, 40],
        })),
      ),
    );
  }
  return { root, meta: path.join(base, 'meta'), annotations };
}

const codes = (report: ConvertedReport) => report.problems.map((problem) => problem.code).sort();

test('a complete conversion passes; metadata alone reports the missing latents once', async () => {
  const complete = await copy('complete');
  const report = await checkConverted({
    root: complete.root,
    name,
    metaRoot: complete.meta,
    numFrames: 5,
    videoNum: 1,
    downSample: 3,
  });
  assert.deepEqual(report.problems, []);
  assert.equal(report.layout, 'upstream');
  assert.deepEqual(
    {
      episodes: report.episodes.length,
      latents: report.episodes.flatMap((e) => e.latents).filter((l) => l.state === 'ok').length,
    },
    { episodes: 5, latents: 15 },
  );
  assert.deepEqual(report.episodes[0]!.latents[0]!.shape, [10, 4, 24, 40]);

  const metaOnly = await copy('meta-only', false);
  const bare = await checkConverted({ root: metaOnly.root, name, metaRoot: metaOnly.meta, numFrames: 5 });
  assert.deepEqual(codes(bare), ['no-latents']);
  assert.match(bare.problems[0]!.message, /None of the 15 latent files exist yet/);
});

test('damaged, misshapen and missing latents are reported per file and episode', async () => {
  const { root, meta, annotations } = await copy('damaged');
  const [a, b, c] = annotations;
  const latent = (annotation: Annotation, view: number) =>
    path.join(root, name, annotation.latent_videos[view]!.latent_video_path);
  await writeTensors([
    { path: latent(a!, 0), shape: [a!.video_length, 4, 40, 24] },
    { path: latent(a!, 1), shape: [a!.video_length - 2, 4, 24, 40] },
    { path: latent(b!, 2), shape: [b!.video_length, 4, 24, 40], truncate_data: true },
    { path: latent(c!, 1), shape: [c!.video_length, 4, 24, 40], dtype: 'float16' },
  ]);
  await rm(latent(c!, 2));
  const report = await checkConverted({ root, name, metaRoot: meta, numFrames: 5 });
  assert.deepEqual(codes(report), ['bad-latent', 'latent-dtype', 'latent-length', 'latent-shape', 'missing-latent']);
  const byCode = Object.fromEntries(report.problems.map((problem) => [problem.code, problem]));
  assert.equal(byCode['latent-shape']!.file, latent(a!, 0));
  assert.match(byCode['latent-shape']!.message, /\(10, 4, 40, 24\)/);
  assert.match(byCode['bad-latent']!.message, /tensor data holds \d+ bytes/);
  assert.match(byCode['missing-latent']!.message, /episode 4 \(train\) has no latent for view 2/);
});

test('meta files out of step with the config: cfg mismatch, missing stat, unknown episodes, too few val samples, stride', async () => {
  const { root, meta } = await copy('meta');
  await mkdir(path.join(meta, 'other_cfg'));
  await cp(path.join(meta, name, 'train_sample.json'), path.join(meta, 'other_cfg', 'train_sample.json'));
  await writeFile(
    path.join(meta, 'other_cfg', 'val_sample.json'),
    JSON.stringify([{ episode_id: 99, frame_ids: [0] }, { episode_id: 1, frame_ids: [30] }, { frame_ids: [0] }]),
  );
  const report = await checkConverted({
    root,
    name,
    metaRoot: meta,
    cfg: 'other_cfg',
    numFrames: 5,
    videoNum: 3,
    downSample: 2,
  });
  assert.deepEqual(codes(report), [
    'bad-sample',
    'cfg-mismatch',
    'sample-episode-missing',
    'sample-window',
    'stat-location',
    'stride-mismatch',
    'stride-mismatch',
    'stride-mismatch',
    'stride-mismatch',
    'stride-mismatch',
    'too-few-val-samples',
  ]);
  const messages = report.problems.map((problem) => problem.message).join('\n');
  assert.match(messages, /names 1 episodes with no val annotation \(99\)/);
  assert.match(messages, /video_num 3 takes 6/);
  assert.match(messages, /dataset_cfgs "other_cfg" differs from dataset_names "flexiv_1113"/);

  await rm(path.join(meta, name, 'stat.json'));
  const noStat = await checkConverted({ root, name, metaRoot: meta, numFrames: 5 });
  assert.deepEqual(codes(noStat), ['missing-stat']);
});

test("a missing dataset and the hand-over note's per-episode tree are recognised", async () => {
  const missing = await checkConverted({
    root: path.join(dir, 'nowhere'),
    name,
    metaRoot: path.join(dir, 'nowhere_meta'),
    numFrames: 5,
  });
  assert.ok(codes(missing).includes('no-dataset') && codes(missing).includes('missing-stat'));

  const tree = path.join(dir, 'handover', 'flexiv_data');
  const { annotations, meta } = await copy('handover-source');
  for (const [index, annotation] of annotations.slice(0, 2).entries()) {
    for (let view = 0; view < 3; view++) {
      await mkdir(path.join(tree, String(index), 'annotation'), { recursive: true });
      await writeFile(path.join(tree, String(index), 'annotation', `${view}.json`), JSON.stringify(annotation));
    }
  }
  await writeTensors(
    [0, 1].flatMap((index) =>
      [0, 1, 2].map((view) => ({
        path: path.join(tree, String(index), 'latent_videos', String(view), '0.pt'),
        shape: [annotations[index]!.video_length, 4, 24, 40],
      })),
    ),
  );
  await rm(path.join(tree, '1', 'annotation', '2.json'));
  await writeFile(
    path.join(meta, name, 'train_sample.json'),
    JSON.stringify([
      { episode_id: 0, frame_ids: [0] },
      { episode_id: 1, frame_ids: [1] },
    ]),
  );
  await writeFile(path.join(meta, name, 'val_sample.json'), JSON.stringify([{ episode_id: 1, frame_ids: [0] }]));
  const report = await checkConverted({ root: tree, name, metaRoot: meta, numFrames: 5 });
  assert.equal(report.layout, 'per-episode');
  assert.deepEqual(codes(report), ['missing-annotation'], JSON.stringify(report.problems));
  assert.equal(report.episodes.length, 2);
});

test('check-converted --json prints {"problems": [...]} and exits 1 on errors, 0 when clean', async () => {
  const run = async (root: string, meta: string) => {
    const lines: string[] = [];
    const code = await runCli(
      ['check-converted', root, '--name', name, '--meta', meta, '--json'],
      { out: (t) => lines.push(t), err: (t) => lines.push(t) },
      'test',
    );
    return { code, json: JSON.parse(lines.join('\n')) as { problems: Array<Record<string, unknown>> } };
  };
  const complete = path.join(dir, 'complete');
  const clean = await run(path.join(complete, 'data'), path.join(complete, 'meta'));
  assert.deepEqual(clean, { code: 0, json: { problems: [] } });
  const metaOnly = path.join(dir, 'meta-only');
  const bare = await run(path.join(metaOnly, 'data'), path.join(metaOnly, 'meta'));
  assert.equal(bare.code, 1);
  assert.deepEqual(Object.keys(bare.json), ['problems']);
  assert.deepEqual(Object.keys(bare.json.problems[0]!).sort(), ['code', 'file', 'message', 'severity']);
});

test('on a GPU host, every dataset above gets the same report as here, from one kit call each', async (t) => {
  const sshd = await startSshd();
  await mkdir(path.join(sshd.dir, 'control'), { mode: 0o700 });
  const host = new RemoteHost(
    new CommandRunner({ sshConfigFile: sshd.configFile, controlDir: path.join(sshd.dir, 'control') }),
    sshHost(sshd.alias),
  );
  t.after(async () => {
    await host.disconnect();
    await sshd.stop();
  });
  // Damage the host's copy in the ways only the kit's own zip and JSON reading can meet.
  const broken = await copy('broken');
  const annotation = broken.annotations[1]!;
  await writeTensors([
    { path: path.join(broken.root, name, annotation.latent_videos[0]!.latent_video_path), garbage: true },
  ]);
  await writeFile(path.join(broken.root, name, 'annotation', 'val', '3.json'), '{"episode_id": 3, "video_len');
  const cases = [
    { label: 'complete', cfg: name, downSample: 3 },
    { label: 'meta-only', cfg: name },
    { label: 'damaged', cfg: name },
    { label: 'meta', cfg: 'other_cfg', downSample: 2, videoNum: 3 },
    { label: 'broken', cfg: name },
    {
      label: 'handover',
      root: path.join(dir, 'handover', 'flexiv_data'),
      meta: path.join(dir, 'handover-source', 'meta'),
      cfg: name,
    },
    { label: 'nowhere', root: path.join(dir, 'nowhere'), meta: path.join(dir, 'nowhere_meta'), cfg: name },
  ];
  const registryRoot = path.join(sshd.dir, 'registry');
  for (const {
    label,
    cfg,
    root = path.join(dir, label, 'data'),
    meta = path.join(dir, label, 'meta'),
    ...config
  } of cases) {
    const request = { root, name, metaRoot: meta, cfg, numFrames: 5, ...config };
    const here = await checkConverted(request);
    const files = await convertedFilesOnHost(host, registryRoot, { root, name, metaRoot: meta, cfg });
    const there = await checkConverted({ ...request, files });
    assert.deepEqual(there, here, label);
    if (label === 'broken')
      assert.deepEqual(
        codes(there),
        ['bad-annotation', 'bad-latent', 'sample-episode-missing'],
        'the damage is seen on the host too',
      );
  }
  const snapshot = await convertedFilesOnHost(host, registryRoot, { root: broken.root, name, metaRoot: broken.meta });
  const annotationText = await snapshot.readText(path.join(broken.root, name, 'annotation', 'train', '0.json'));
  assert.ok(
    'text' in annotationText && JSON.parse(annotationText.text).episode_id === 0,
    'annotations come whole, for the state curves',
  );
});
