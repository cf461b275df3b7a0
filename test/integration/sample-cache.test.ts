// The sample cache with videos made by ffmpeg on the real sshd host: fetched over SSH, kept within its size limit
// (least recently used out first), and a video a webview cannot play converted to H.264 yuv420p on this machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SampleCache, type CachedSource } from '../../src/core/media/sampleCache';
import { ensurePlayable, probeStreams } from '../../src/core/media/playable';
import { download } from '../../src/core/remote/transfer';
import { runProcess } from '../support/fixtures';
import { startTrainingHost, type TrainingHost } from '../support/trainingHost';

const TOOLS = { ffmpeg: 'ffmpeg' };
let training: TrainingHost;
let samples: string;

before(async () => {
  training = await startTrainingHost();
  samples = path.join(training.tree.root, 'model_ckpt', 'flexiv_finetune', 'samples');
  await import('node:fs/promises').then((fs) => fs.mkdir(samples, { recursive: true }));
  const make = (name: string, codec: string[]) =>
    runProcess('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x288:rate=2:duration=5.5',
      ...codec,
      path.join(samples, name),
    ]);
  for (const step of [100, 200, 300, 400])
    await make(`train_steps_${step}_0.mp4`, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
  await make('train_steps_500_0.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv444p']);
});

after(async () => {
  await training?.stop();
});

async function sourceOf(name: string): Promise<CachedSource> {
  const info = await stat(path.join(samples, name));
  return { hostKey: training.host.key, remotePath: path.join(samples, name), size: info.size, mtimeMs: info.mtimeMs };
}

function fetchInto(source: CachedSource) {
  return (destination: string) => download(training.host, source.remotePath, destination).then(() => undefined);
}

test('the cache stays within its limit and evicts the least recently used video first', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cwf-cache-'));
  const sizes = await Promise.all(
    [100, 200, 300, 400].map(async (step) => (await sourceOf(`train_steps_${step}_0.mp4`)).size),
  );
  const limit = Math.floor(Math.max(...sizes) * 2.5);
  const cache = new SampleCache(dir, limit);
  const get = async (step: number) => {
    const source = await sourceOf(`train_steps_${step}_${0}.mp4`);
    return cache.get(source, fetchInto(source), (file) => ensurePlayable(file, TOOLS).then(() => undefined));
  };
  const first = await get(100);
  await get(200);
  // Fetching the same video twice at once copies it once.
  const [a, b] = await Promise.all([get(300), get(300)]);
  assert.equal(a, b);
  assert.ok((await cache.usage()).bytes <= limit);
  await assert.rejects(stat(first), 'the oldest video was evicted');
  // 200 is used again, so 300 is now the least recently used.
  assert.ok(await cache.lookup(await sourceOf('train_steps_200_0.mp4')));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await get(400);
  const left = (await readdir(dir)).map((name) => name.replace(/^[0-9a-f]+-/, '')).sort();
  assert.deepEqual(left, ['train_steps_200_0.mp4', 'train_steps_400_0.mp4']);
  assert.ok((await cache.usage()).bytes <= limit);
  // A lower limit applies at the next eviction.
  cache.setLimit(Math.max(...sizes));
  await cache.evict();
  assert.equal((await cache.usage()).files, 1);
});

test('a video that would not play in a webview is converted to H.264 yuv420p on this machine', async () => {
  const cache = new SampleCache(await mkdtemp(path.join(os.tmpdir(), 'cwf-cache-')), 50 << 20);
  const source = await sourceOf('train_steps_500_0.mp4');
  assert.deepEqual(
    (await probeStreams(source.remotePath, TOOLS)).map((s) => s.pixFmt),
    ['yuv444p'],
  );
  const outcomes: string[] = [];
  const file = await cache.get(source, fetchInto(source), async (incoming) => {
    outcomes.push(await ensurePlayable(incoming, TOOLS));
  });
  assert.deepEqual(outcomes, ['converted']);
  assert.deepEqual(
    (await probeStreams(file, TOOLS)).map((s) => [s.codecName, s.pixFmt]),
    [['h264', 'yuv420p']],
  );
  assert.equal(await ensurePlayable(file, TOOLS), 'playable');
});
