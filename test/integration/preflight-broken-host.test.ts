// The preflight against a deliberately broken GPU host (real sshd): each problem is caught by its own check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { runPreflight } from '../../src/core/training/preflight';
import { freePort } from '../support/sshd';
import { startTrainingHost, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;
let shadowed: TrainingHost;

before(async () => {
  training = await startTrainingHost({
    breakages: ['no-torch', 'no-swanlab', 'no-svd-vae', 'no-ckpt', 'no-stat-json', 'frozen-dataset-cfgs', 'busy-gpu'],
  });
  // A checkout whose scripts/ holds its own config.py (first on the trainer's sys.path) and upstream's step-5
  // validation.
  shadowed = await startTrainingHost({ breakages: ['scripts-config', 'validation-at-5'] });
});

after(async () => {
  await training?.stop();
  await shadowed?.stop();
});

test('every broken part of the host fails its own check, naming the fix', async () => {
  const output = path.join(training.tree.checkout, 'model_ckpt', 'earlier');
  await mkdir(output, { recursive: true });
  await writeFile(path.join(output, 'checkpoint-10000.pt'), 'an earlier run');
  const port = await freePort();
  const blocker = net.createServer().listen(port, '0.0.0.0');
  await new Promise((resolve) => blocker.once('listening', resolve));
  const progress: string[] = [];
  try {
    const result = await runPreflight({
      registry: training.registry,
      workdir: training.tree.checkout,
      config: { kind: 'host', path: 'config_flexiv.py' },
      gpus: [0, 1],
      outputDir: output,
      mainProcessPort: port,
      wandb: 'no-key',
      detach: 'setsid',
      envSetup: training.tree.envSetup,
      // A checkpoint size no disk has: the disk check must say so.
      environment: { checkpointSizeGb: 1e9 },
      onCheck: (item) => progress.push(item.id),
    });
    const failed = Object.fromEntries(result.checks.filter((c) => !c.ok).map((c) => [c.id, c]));
    assert.equal(result.ok, false);
    assert.deepEqual(
      Object.keys(failed).sort(),
      [
        'config',
        'dataset',
        'disk',
        'gpus',
        'model-paths',
        'output-dir',
        'port',
        'python-env',
        'trainer-config',
        'trainer-data',
        'trainer-imports',
        'wandb',
      ].sort(),
    );
    assert.match(failed['python-env'].message, /torch is not installed/);
    assert.match(
      failed['trainer-imports'].message,
      /swanlab \(imported by scripts\/train_wm\.py\), torch \(imported by scripts\/train_wm\.py\).*"pip install swanlab torch"/,
    );
    assert.match(
      failed['trainer-config'].message,
      /Not checked: train_wm\.py cannot start until the missing modules are installed/,
    );
    assert.match(
      failed['model-paths'].message,
      /stable-video-diffusion-img2vid\/vae \(svd_model_path\).*checkpoint-10000\.pt \(ckpt_path\)/,
    );
    assert.match(failed.dataset.message, /dataset_cfgs is "flexiv_1113" but dataset_names is "flexiv_1120"/);
    assert.match(failed.config.message, /dataset_cfgs/);
    assert.match(failed.gpus.message, /GPU 1: pid 4242/);
    assert.equal(failed.gpus.fix, 'pick-gpus');
    assert.match(failed['output-dir'].message, /already holds 1 checkpoint \(up to checkpoint-10000\.pt\)/);
    assert.equal(failed['output-dir'].fix, 'new-output-folder');
    assert.match(failed.port.message, new RegExp(`Port ${port} is in use`));
    assert.equal(failed.wandb.fix, 'set-wandb-key');
    assert.match(failed.disk.message, /only [\d.]+ GB are free/);
    assert.ok(result.checks.find((c) => c.id === 'checkout')?.ok);
    assert.deepEqual(
      progress,
      result.checks.map((c) => c.id),
    );
  } finally {
    blocker.close();
  }
});

test('an unreadable config or a missing checkout is said plainly, and the rest is marked not checked', async () => {
  const result = await runPreflight({
    registry: training.registry,
    workdir: '~/no-such-ctrl-world',
    config: { kind: 'host', path: 'config_flexiv.py' },
    mainProcessPort: 29501,
    wandb: 'offline',
    detach: 'setsid',
  });
  const config = result.checks.find((c) => c.id === 'config');
  assert.match(config?.message ?? '', /no-such-ctrl-world\/config_flexiv\.py could not be read/);
  assert.ok(
    result.checks
      .filter((c) => c.id !== 'reachable' && c.id !== 'config')
      .every((c) => !c.ok && c.message.startsWith('Not checked')),
  );
});

test('the trainer is asked which config it imports: a shadowing scripts/config.py is an error naming both values', async () => {
  const ask = () =>
    runPreflight({
      registry: shadowed.registry,
      workdir: shadowed.tree.checkout,
      config: { kind: 'host', path: 'config_flexiv.py' },
      gpus: [0],
      outputDir: 'model_ckpt/run-a',
      mainProcessPort: 29561,
      wandb: 'offline',
      detach: 'setsid',
      envSetup: shadowed.tree.envSetup,
    });
  const shadowedResult = await ask();
  const config = shadowedResult.checks.find((c) => c.id === 'trainer-config')!;
  assert.equal(config.ok, false);
  assert.match(
    config.message,
    new RegExp(
      `output_dir: the run has "${shadowed.tree.checkout}/model_ckpt/run-a", train_wm\\.py would use "model_ckpt/elsewhere"`,
    ),
  );
  assert.match(config.message, /its config module is .*scripts\/config\.py/);

  await rm(path.join(shadowed.tree.checkout, 'scripts', 'config.py'));
  const result = await ask();
  const passed = result.checks.find((c) => c.id === 'trainer-config')!;
  assert.equal(passed.ok, true, passed.message);
  assert.equal(passed.warning, true);
  assert.match(passed.message, /first validation videos come at step 5/);
  const data = result.checks.find((c) => c.id === 'trainer-data')!;
  assert.equal(data.ok, true, data.message);
  assert.match(data.message, /40 train and 6 val samples/);
  assert.equal(result.checks.find((c) => c.id === 'trainer-imports')?.ok, true);
  assert.equal(result.ok, true, JSON.stringify(result.checks.filter((c) => !c.ok)));
});
