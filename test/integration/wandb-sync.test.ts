// W&B from a run's log over the real sshd: the offline run folder found by grep on the host, and `wandb sync` run
// there through the kit with the key on stdin (a stand-in wandb records what it was given).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { syncWandbRun, wandbRunOnHost } from '../../src/core/training/wandbLines';
import { startTrainingHost, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;
const KEY = 'wandb-key-0123456789abcdef';

before(async () => {
  training = await startTrainingHost();
});

after(async () => {
  await training?.stop();
});

test('an offline run: its folder is read from the log on the host, and wandb sync gets it with the key in its environment', async () => {
  const offline = path.join(training.tree.checkout, 'wandb', 'offline-run-20261205_120000-k3j2h1');
  await mkdir(offline, { recursive: true });
  const log = path.join(training.tree.root, 'train.log');
  await writeFile(
    log,
    `Steps:   0%|          | 0/20 [00:00<?, ?it/s]\rwandb: W&B syncing is set to \`offline\` in this directory.\nwandb: wandb sync ${offline}\n`,
  );
  const found = await wandbRunOnHost(training.host, log);
  assert.deepEqual(found, { mode: 'offline', dir: offline });

  const result = await syncWandbRun(training.registry, { dir: offline }, KEY, training.tree.envSetup);
  assert.equal(result.code, 0);
  assert.equal(result.url, 'https://wandb.ai/lab/ctrl_world_flexiv/runs/k3j2h1');
  assert.equal(result.dir, offline);
  const calls = (await readFile(path.join(training.tree.bin, 'wandb-calls.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(calls.at(-1), {
    argv: ['sync', offline],
    keySha256: createHash('sha256').update(KEY).digest('hex'),
    keyInArgv: false,
  });
});

test('a log without W&B lines, a missing log, and a folder that is not there are said plainly', async () => {
  const log = path.join(training.tree.root, 'plain.log');
  await writeFile(log, 'Steps: 100%|██████████| 20/20 [00:10<00:00, 2.00it/s]\n');
  assert.equal(await wandbRunOnHost(training.host, log), undefined);
  assert.equal(await wandbRunOnHost(training.host, path.join(training.tree.root, 'no-such.log')), undefined);
  await assert.rejects(
    syncWandbRun(training.registry, { dir: path.join(training.tree.root, 'nope') }, KEY, training.tree.envSetup),
    /is not a folder on this host/,
  );
  await assert.rejects(
    syncWandbRun(training.registry, { workdir: training.tree.checkout, wandbId: 'no_such_run' }, KEY, undefined),
    /No offline W&B run of this run \(offline-run-\*-no_such_run\) is in .*\/Ctrl-World\/wandb on this host/,
  );
});

test("a log that never names the folder: the newest offline-run-*-<id> in wandb's folder on the host", async () => {
  const wandbDir = path.join(training.tree.checkout, 'wandb');
  for (const name of [
    'offline-run-20261205_110000-20261205_105959_00aa',
    'offline-run-20261205_120000-20261205_115959_1f2e',
    'offline-run-20261205_130000-20261205_115959_1f2e',
    'offline-run-20261205_140000-other',
  ])
    await mkdir(path.join(wandbDir, name), { recursive: true });
  const result = await syncWandbRun(
    training.registry,
    { workdir: training.tree.checkout, wandbId: '20261205_115959_1f2e' },
    KEY,
    training.tree.envSetup,
  );
  assert.equal(result.code, 0);
  assert.equal(result.dir, path.join(wandbDir, 'offline-run-20261205_130000-20261205_115959_1f2e'));
  assert.equal(result.url, 'https://wandb.ai/lab/ctrl_world_flexiv/runs/20261205_115959_1f2e');
});
