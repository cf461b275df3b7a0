// Conversion never touches files outside its folders: records naming other paths, foreign outputs, outputs in the
// input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { convertDataset, DEFAULT_CONVERT_OPTIONS, type ConvertOptions } from '../../src/core/convert';
import { runCli } from '../../src/cli/main';
import { tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let input: string;
const options: ConvertOptions = {
  ...DEFAULT_CONVERT_OPTIONS,
  name: 'flexiv',
  split: { kind: 'ratio', ratio: 0, seed: 0 },
};

before(async () => {
  ({ dir, cleanup } = await tempDir());
  input = path.join(dir, 'episodes');
  await writeEpisodes(
    input,
    [0, 1].map((i) => ({
      path: `ep_${i}.hdf5`,
      frames: 70,
      seed: i + 1,
      height: 16,
      width: 24,
      arrays: ['qpos', 'tcp_pose', 'gripper_width'] as EpisodeSpec['arrays'],
    })),
  );
});
after(() => cleanup?.());

async function cli(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, { out: (line) => lines.push(line), err: (line) => lines.push(line) }, 'test');
  return { code, text: lines.join('\n') };
}

test('a conversion record naming a file outside the dataset is refused and nothing is deleted', async () => {
  const out = path.join(dir, 'out1');
  const summary = await convertDataset({ input, outRoot: out, options });
  const victim = path.join(dir, 'victim', 'precious.txt');
  await mkdir(path.dirname(victim), { recursive: true });
  await writeFile(victim, 'keep me');
  const record = path.join(summary.datasetDir, '.ctrlworld-convert.json');
  const manifest = JSON.parse(await readFile(record, 'utf8'));
  // A missing episode's entry: the ordinary run would delete its annotation as departed.
  manifest.episodes['gone.hdf5'] = {
    sizeBytes: 1,
    mtimeMs: 1,
    options: 'x',
    id: 9,
    split: 'train',
    annotation: '../../victim/precious.txt',
  };
  await writeFile(record, JSON.stringify(manifest));
  const before = await readdir(path.join(summary.datasetDir, 'annotation', 'train'));
  const { code, text } = await cli([
    'convert',
    input,
    '--out',
    out,
    '--name',
    'flexiv',
    '--val-ratio',
    '0',
    '--meta-only',
  ]);
  assert.equal(code, 1, text);
  assert.match(
    text,
    /\.ctrlworld-convert\.json names the path "\.\.\/\.\.\/victim\/precious\.txt", which is not inside/,
  );
  assert.equal(await readFile(victim, 'utf8'), 'keep me');
  assert.deepEqual(await readdir(path.join(summary.datasetDir, 'annotation', 'train')), before);
  for (const hostile of ['/etc/passwd', 'annotation/../../x', '', 'a\\..\\..\\x']) {
    manifest.episodes['gone.hdf5'].annotation = hostile;
    await writeFile(record, JSON.stringify(manifest));
    await assert.rejects(convertDataset({ input, outRoot: out, options }), { code: 'path-outside-root' }, hostile);
  }
});

test('a non-empty output that no conversion wrote, or that came from other episodes, needs --replace', async () => {
  const out = path.join(dir, 'out2');
  const foreign = path.join(out, 'flexiv', 'annotation', 'train', '0.json');
  await mkdir(path.dirname(foreign), { recursive: true });
  await writeFile(foreign, "someone else's");
  await writeFile(path.join(out, 'flexiv', 'README'), 'notes');
  const refused = await cli(['convert', input, '--out', out, '--name', 'flexiv', '--val-ratio', '0', '--meta-only']);
  assert.equal(refused.code, 1);
  assert.match(refused.text, /already holds files that no conversion of this extension wrote.*--replace/s);
  assert.equal(await readFile(foreign, 'utf8'), "someone else's");
  const replaced = await cli([
    'convert',
    input,
    '--out',
    out,
    '--name',
    'flexiv',
    '--val-ratio',
    '0',
    '--meta-only',
    '--replace',
  ]);
  assert.equal(replaced.code, 0, replaced.text);
  assert.notEqual(await readFile(foreign, 'utf8'), "someone else's");
  assert.equal(await readFile(path.join(out, 'flexiv', 'README'), 'utf8'), 'notes', 'files outside the layout stay');
  // Our own output re-runs without asking; the same output from another episodes folder does not.
  assert.equal(
    (await cli(['convert', input, '--out', out, '--name', 'flexiv', '--val-ratio', '0', '--meta-only'])).code,
    0,
  );
  const other = path.join(dir, 'other');
  await writeEpisodes(other, [{ path: 'ep_9.hdf5', frames: 70, seed: 9, height: 16, width: 24 }]);
  await assert.rejects(
    convertDataset({ input: other, outRoot: out, options }),
    (error: Error & { code?: string }) =>
      error.code === 'output-not-ours' && error.message.includes(`converted from other episodes (${input})`),
  );
  // A foreign meta folder is refused too.
  const meta = path.join(dir, 'out3_meta_info', 'flexiv');
  await mkdir(meta, { recursive: true });
  await writeFile(path.join(meta, 'stat.json'), '{}');
  await assert.rejects(convertDataset({ input, outRoot: path.join(dir, 'out3'), options }), {
    code: 'output-not-ours',
  });
  assert.equal(await readFile(path.join(meta, 'stat.json'), 'utf8'), '{}');
});

test('an output inside the episodes folder is refused', async () => {
  const { code, text } = await cli([
    'convert',
    input,
    '--out',
    path.join(input, 'converted'),
    '--name',
    'flexiv',
    '--meta-only',
  ]);
  assert.equal(code, 1);
  assert.match(text, /lies inside the episodes folder/);
  await assert.rejects(readdir(path.join(input, 'converted')), { code: 'ENOENT' });
  await assert.rejects(convertDataset({ input, outRoot: dir, options: { ...options, name: 'episodes' } }), {
    code: 'output-inside-input',
  });
});
