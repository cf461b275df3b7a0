// The converted-dataset check over a GPU host's snapshot, on real bytes: latents written by torch.save (torch 2.11 on
// an H200, test/fixtures/gpu-host/make_torch_latents.py) and snapshotted by remote-kit/converted_snapshot.py there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkConverted } from '../../src/core/convert/check';
import { snapshotFiles, type ConvertedSnapshot } from '../../src/core/convert/check/files';
import { REPO_ROOT } from '../support/fixtures';

const snapshot = JSON.parse(
  gunzipSync(
    readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference', 'converted-snapshot-torch.json.gz')),
  ).toString('utf8'),
) as ConvertedSnapshot;
const root = '/tmp/cwf-device/flexiv_data';
const latent = (split: string, id: number, view: number) =>
  `${root}/flexiv_1113/latent_videos/${split}/${id}/${view}.pt`;

test('torch.save latents read from a host snapshot: shapes, dtypes, views and damage as torch would see them', async () => {
  const report = await checkConverted({
    root,
    name: 'flexiv_1113',
    metaRoot: '/tmp/cwf-device/flexiv_data_meta_info',
    numFrames: 5,
    files: snapshotFiles(snapshot),
  });
  assert.equal(report.layout, 'upstream');
  assert.deepEqual(report.samples, { train: 85, val: 32 });
  const states = Object.fromEntries(
    report.episodes.flatMap((episode) =>
      episode.latents.map((l) => [l.file, `${l.state} ${l.shape?.join('x') ?? '-'} ${l.dtype ?? '-'}`]),
    ),
  );
  assert.equal(states[latent('train', 0, 0)], 'ok 15x4x24x40 float32');
  assert.equal(states[latent('train', 0, 1)], 'ok 15x4x24x40 float16');
  assert.equal(states[latent('train', 3, 1)], 'ok 30x4x24x40 bfloat16');
  assert.equal(states[latent('train', 4, 2)], 'ok 35x4x24x40 float32', 'a view into a larger storage, at an offset');
  assert.equal(states[latent('train', 1, 2)], 'bad 20x4x40x24 float32');
  const problems = report.problems.map((problem) => `${problem.code} ${path.relative(root, problem.file ?? '')}`);
  assert.deepEqual(problems, [
    'latent-dtype flexiv_1113/latent_videos/train/0/1.pt',
    'latent-shape flexiv_1113/latent_videos/train/1/2.pt',
    'bad-latent flexiv_1113/latent_videos/train/2/0.pt',
    'latent-dtype flexiv_1113/latent_videos/train/3/1.pt',
    'bad-latent flexiv_1113/latent_videos/val/5/0.pt',
  ]);
  assert.match(report.problems[2]!.message, /something other than one tensor/);
  assert.match(report.problems[4]!.message, /not a zip archive/);
});

test('what a snapshot does not hold does not exist on the host', async () => {
  const files = snapshotFiles(snapshot);
  assert.deepEqual(await files.readText(`${root}/flexiv_1113/annotation/train/99.json`), {
    missing: true,
    error: 'it does not exist',
  });
  assert.deepEqual(await files.latentInfo(latent('train', 0, 7)), { ok: false, missing: true, reason: 'missing' });
  assert.equal(await files.isDirectory(`${root}/flexiv_1113/annotation/train/`), true, 'paths are compared normalised');
  assert.deepEqual(await files.list(`${root}/nowhere`), []);
});
