import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, newRunId, runsJson, summariseListEntry } from '../../src/core/training/runRecord';
import { ProgressLines } from '../../src/core/training/progressLines';
import { singleHostAccelerate } from '../../src/core/training/targets';
import { launchInput, runModuleText, type LaunchRequest } from '../../src/core/training/launch';
import { resolveRemotePath } from '../../src/core/remote/remoteHost';
import { backoffDelay, isTransient, withBackoff } from '../../src/core/remote/backoff';
import { SshError } from '../../src/core/remote/runner';
import { assertRunId } from '../../src/core/training/registry';

test('run ids sort by time and are safe in paths', () => {
  const id = newRunId(new Date(Date.UTC(2026, 10, 28, 0, 38, 49)), () => 0.5);
  assert.equal(id, '20261128_003849_8000');
  assert.doesNotThrow(() => assertRunId(id));
  assert.throws(() => assertRunId('../etc'), /not a run id/);
});

test('a runs-list entry becomes a summary from its log tail; the CLI keys are the contract', () => {
  const record = {
    runId: 'r1',
    state: 'running',
    outputDir: '/o',
    startedAt: '2026-11-28T00:00:00Z',
    totalSteps: 100000,
  };
  const summary = summariseListEntry({
    record,
    logSize: 10,
    logTail: 'Steps:  45%|████▌     | 45000/100000 [17:02:11<20:49:24,  1.36s/it, loss=12.3]',
  });
  assert.ok(summary);
  // The CLI's loss is train_loss, the one number every view shows (the postfix sum 12.3 / 100).
  assert.deepEqual(runsJson([summary]), [
    {
      runId: 'r1',
      state: 'running',
      step: 45000,
      totalSteps: 100000,
      loss: 0.123,
      outputDir: '/o',
      startedAt: '2026-11-28T00:00:00Z',
    },
  ]);
  assert.equal(summariseListEntry({ record: { broken: true } }), undefined);
  assert.equal(summariseListEntry(null), undefined);
});

test('ages read like a person says them', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(age('2026-11-28T11:59:30Z', now), 'just now');
  assert.equal(age('2026-11-28T11:15:00Z', now), '45 min ago');
  assert.equal(age('2026-11-28T09:00:00Z', now), '3 h ago');
  assert.equal(age('2026-11-25T12:00:00Z', now), '3 d ago');
});

const RUN_PLACE = { runId: 'r', runDir: '/runs/r', workdir: '/w' };

test("the single-host target: one process per GPU, explicit accelerate defaults, upstream's flags only", () => {
  const plan = singleHostAccelerate.plan({
    gpus: [2, 3],
    mainProcessPort: 29511,
    mixedPrecision: 'fp16',
    ckptPath: '/c/checkpoint-50000.pt',
    pythonPath: '/runs/r/python',
    ...RUN_PLACE,
  });
  assert.deepEqual(plan.argv, [
    'accelerate',
    'launch',
    '--num_machines',
    '1',
    '--main_process_port',
    '29511',
    '--num_processes',
    '2',
    '--mixed_precision',
    'fp16',
    '--dynamo_backend',
    'no',
    '--multi_gpu',
    'scripts/train_wm.py',
    '--ckpt_path',
    '/c/checkpoint-50000.pt',
  ]);
  assert.deepEqual(plan.env, { CUDA_VISIBLE_DEVICES: '2,3', PYTHONPATH: '/runs/r/python' });
  assert.ok(
    !singleHostAccelerate
      .plan({ gpus: [0], mainProcessPort: 1, pythonPath: '/p', ...RUN_PLACE })
      .argv.includes('--multi_gpu'),
  );
  assert.ok(!plan.argv.includes('--config'), "upstream's train_wm.py has no --config: argparse would exit 2");
});

test('a launch puts the run\'s config as module "config" in a folder of its own, first on PYTHONPATH', () => {
  const config = 'class wm_args:\n    output_dir = "model_ckpt/flexiv_finetune"\n    max_train_steps = 100\n';
  const request: LaunchRequest = {
    workdir: '/w',
    configSource: '/w/config_flexiv.py',
    configText: config,
    outputDir: '/w/model_ckpt/run-2',
    gpus: [0],
    mainProcessPort: 29500,
    wandb: { mode: 'offline' },
    detach: 'setsid',
    git: null,
  };
  const input = launchInput(request, { root: '/reg', runId: 'r1', hostLabel: 'gpu' });
  assert.deepEqual(Object.keys(input.files).sort(), ['config_snapshot.py', 'python/config.py']);
  assert.equal(input.files['config_snapshot.py'], config);
  assert.equal(input.files['python/config.py'], runModuleText(config, '/w/model_ckpt/run-2'));
  assert.match(input.files['python/config.py'], /output_dir = "\/w\/model_ckpt\/run-2"/);
  assert.equal(input.env.PYTHONPATH, '/reg/runs/r1/python');
  assert.equal(input.record.configModule, 'config');
});

test("offline, wandb gets the run's id, by which Sync Run to WandB finds its folder; online, only the key", () => {
  const request: LaunchRequest = {
    workdir: '/w',
    configSource: '/w/config_flexiv.py',
    configText: 'class wm_args:\n    output_dir = "x"\n',
    outputDir: '/w/model_ckpt/run-3',
    gpus: [0],
    mainProcessPort: 29500,
    wandb: { mode: 'offline' },
    detach: 'setsid',
    git: null,
  };
  const place = { root: '/reg', runId: '20261205_120000_1f2e', hostLabel: 'gpu' };
  const offline = launchInput(request, place).env;
  assert.equal(offline.WANDB_MODE, 'offline');
  assert.equal(offline.WANDB_RUN_ID, '20261205_120000_1f2e');
  const online = launchInput({ ...request, wandb: { mode: 'online', apiKey: 'k' } }, place).env;
  assert.equal(online.WANDB_API_KEY, 'k');
  assert.equal(online.WANDB_RUN_ID, undefined);
  assert.equal(online.WANDB_MODE, undefined);
});

test('carriage-return progress collapses, and progress lines are throttled', () => {
  let now = 0;
  const shown: string[] = [];
  const lines = new ProgressLines(
    (line) => shown.push(line),
    5000,
    () => now,
  );
  lines.push('Number of parameters in the unet: 1.0M\n');
  lines.push(
    'Steps:   0%|          | 0/300 [00:00<?, ?it/s]\rSteps:   2%|▏         | 5/300 [00:00<00:05, 49.66it/s]\r',
  );
  now = 1000;
  lines.push('Steps:   3%|▎         | 10/300 [00:00<00:05, 49.58it/s]\r');
  now = 7000;
  lines.push('Steps:   5%|▌         | 15/300 [00:00<00:05, 49.55it/s]\rSteps: 7%|▋ | 20/300 [00:00<00:05, 49.53it/s]');
  lines.push('\nTraceback (most recent call last):\n');
  lines.flush();
  assert.deepEqual(shown, [
    'Number of parameters in the unet: 1.0M',
    'Steps:   2%|▏         | 5/300 [00:00<00:05, 49.66it/s]',
    'Steps:   5%|▌         | 15/300 [00:00<00:05, 49.55it/s]',
    'Steps: 7%|▋ | 20/300 [00:00<00:05, 49.53it/s]',
    'Traceback (most recent call last):',
  ]);
});

test('remote paths resolve ~ and relative parts without touching the local disk', () => {
  assert.equal(resolveRemotePath('~/Ctrl-World', '/home/ml'), '/home/ml/Ctrl-World');
  assert.equal(resolveRemotePath('model_ckpt/../out', '/home/ml', '~/Ctrl-World'), '/home/ml/Ctrl-World/out');
  assert.equal(resolveRemotePath('/data/x/', '/home/ml', '/w'), '/data/x');
});

test('backoff retries transient SSH failures with growing waits, and never a refused host key', async () => {
  assert.deepEqual(
    [1, 2, 3, 10].map((n) => backoffDelay(n, 1000, 30_000)),
    [1000, 2000, 4000, 30_000],
  );
  assert.ok(isTransient(new SshError('x', 'y', 'dropped', 'h')));
  assert.ok(!isTransient(new SshError('x', 'y', 'host-key', 'h')));
  let calls = 0;
  const waits: number[] = [];
  const value = await withBackoff(
    async () => {
      calls++;
      if (calls < 3) throw new SshError('dropped', 'retry', 'dropped', 'h');
      return 'ok';
    },
    { initialDelayMs: 1, onRetry: (_e, _a, delay) => waits.push(delay) },
  );
  assert.deepEqual([value, calls, waits], ['ok', 3, [1, 2]]);
  await assert.rejects(
    withBackoff(
      async () => {
        throw new SshError('k', 'h', 'host-key', 'h');
      },
      { initialDelayMs: 1 },
    ),
    /k/,
  );
});
