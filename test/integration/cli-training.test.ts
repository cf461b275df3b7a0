// The training CLI's contract (names, JSON keys, exit codes) as a separate process against the real sshd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';
import { REPO_ROOT } from '../support/fixtures';
import { startTrainingHost, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;

before(async () => {
  training = await startTrainingHost({ steps: 200, checkpointSteps: 100, validationSteps: 200, stepSeconds: 0.02 });
});

after(async () => {
  // The CLI's own master connection lives in its socket folder under TMPDIR.
  await new CommandRunner({
    sshConfigFile: training.sshd.configFile,
    controlDir: path.join(training.sshd.dir, `cwf-ssh-${process.getuid?.() ?? 0}`),
  }).disconnect(sshHost(training.sshd.alias));
  await training?.stop();
});

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli.ts'), ...args],
      {
        cwd: REPO_ROOT,
        timeout: 120_000,
        env: { ...process.env, TMPDIR: training.sshd.dir, WANDB_API_KEY: '' },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const host = () => [
  '--host',
  training.sshd.alias,
  '--ssh-config',
  training.sshd.configFile,
  '--registry',
  training.tree.registryRoot,
];
// The stand-in's checkpoints are tiny: the disk check should not ask for the 8 GB each of the real ones.
const launch = () => [
  ...host(),
  '--repo',
  training.tree.checkout,
  '--config',
  'config_flexiv.py',
  '--env-setup',
  training.tree.envSetup,
  '--checkpoint-size-gb',
  '0.001',
];

test('preflight --json: {checks: [{id, ok, message}]}, exit 1 when one fails', async () => {
  const passing = await cli('preflight', ...launch(), '--gpus', '0,1', '--offline', '--json');
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  const { checks } = JSON.parse(passing.stdout) as { checks: Array<Record<string, unknown>> };
  assert.ok(checks.length >= 10);
  for (const item of checks) assert.deepEqual(Object.keys(item), ['id', 'ok', 'message']);
  const failing = await cli('preflight', ...launch(), '--gpus', '0,9', '--json');
  assert.equal(failing.code, 1);
  const failed = (JSON.parse(failing.stdout) as { checks: Array<{ id: string; ok: boolean }> }).checks
    .filter((c) => !c.ok)
    .map((c) => c.id);
  assert.deepEqual(failed, ['gpus', 'wandb']);
});

test('train start, runs, train logs --follow and train stop', async () => {
  const started = await cli(
    'train',
    'start',
    ...launch(),
    '--gpus',
    '0',
    '--output',
    'model_ckpt/from-cli',
    '--offline',
    '--json',
  );
  assert.equal(started.code, 0, started.stdout + started.stderr);
  const { runId, outputDir } = JSON.parse(started.stdout) as { runId: string; outputDir: string };
  assert.equal(outputDir, path.join(training.tree.checkout, 'model_ckpt', 'from-cli'));

  const listed = await cli('runs', ...host(), '--json');
  assert.equal(listed.code, 0);
  const [run] = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(run), ['runId', 'state', 'step', 'totalSteps', 'loss', 'outputDir', 'startedAt']);
  assert.equal(run.runId, runId);

  const logs = await cli('train', 'logs', ...host(), runId, '--follow');
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /Number of parameters in the unet: 1524\.62M/);
  assert.match(logs.stdout, /Steps: 100%\|.*\| 200\/200/);
  assert.match(logs.stdout, new RegExp(`Run ${runId} finished\\.`));
  assert.ok(!logs.stdout.includes('\r'));

  const stopped = await cli('train', 'stop', ...host(), runId);
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, /had already ended \(finished\)/);

  const again = await cli(
    'train',
    'start',
    ...launch(),
    '--gpus',
    '0',
    '--output',
    'model_ckpt/from-cli',
    '--offline',
    '--json',
  );
  assert.equal(again.code, 1);
  assert.match(again.stdout, /output-dir/);
});

test('usage errors exit 2', async () => {
  assert.equal((await cli('train', 'stop', ...host())).code, 2);
  assert.equal((await cli('preflight', '--repo', 'x')).code, 2);
  assert.equal((await cli('train', 'start', ...launch(), '--gpus', 'zero')).code, 2);
});
