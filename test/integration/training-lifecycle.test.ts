// Launch, follow, a dropped connection, duplicate launches, stop and sudden death, against the real sshd acting
// as the GPU host (fake nvidia-smi and accelerate, the stand-in trainer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { launchRun, type LaunchRequest } from '../../src/core/training/launch';
import { RunFollower } from '../../src/core/training/follow';
import { runPreflight } from '../../src/core/training/preflight';
import { queryGpus } from '../../src/core/remote/gpus';
import { UserFacingError } from '../../src/core/errors';
import {
  assertNoProcessLeft,
  launchRequest,
  masterPid,
  processesOfRun,
  startTrainingHost,
  waitFor,
  type TrainingHost,
} from '../support/trainingHost';

let training: TrainingHost;
/** The finished run of the first test, continued from in a later one. */
let finishedRun: { runId: string; outputDir: string; configSnapshot: string } | undefined;
const SECRET = 'wandb-secret-0123456789abcdef';

before(async () => {
  training = await startTrainingHost({ steps: 400, checkpointSteps: 100, validationSteps: 200, stepSeconds: 0.02 });
});

after(async () => {
  await training?.stop();
});

function request(outputName: string, extra: Partial<LaunchRequest> = {}): Promise<LaunchRequest> {
  return launchRequest(training, outputName, { totalSteps: 400, ...extra });
}

test('preflight passes, then a run launches, is followed through a dropped connection and finishes with its files', async () => {
  const preflight = await runPreflight({
    registry: training.registry,
    workdir: training.tree.checkout,
    config: { kind: 'host', path: 'config_flexiv.py' },
    gpus: [0, 1],
    mainProcessPort: 29501,
    wandb: 'online',
    detach: 'setsid',
    envSetup: training.tree.envSetup,
    environment: { checkpointSizeGb: 0.001 },
  });
  assert.deepEqual(
    preflight.checks.filter((c) => !c.ok),
    [],
  );
  assert.equal(preflight.context?.git?.dirty, false);

  const launched = await launchRun(
    training.registry,
    await request('followed', { wandb: { mode: 'online', apiKey: SECRET }, git: preflight.context!.git }),
  );
  const seen: number[] = [];
  let dropped = false;
  let textBytes = 0;
  const follower = new RunFollower(training.registry, launched.runId, { pollMs: 200, statusEveryMs: 1000 });
  const reader = follower.attach({
    onLog: (text, events) => {
      textBytes += Buffer.byteLength(text);
      for (const event of events) if (event.kind === 'progress') seen.push(event.progress.step);
    },
  });
  const finished = follower.run();

  // While it runs: the key is in the trainer's environment only, never on a command line or in run.json.
  const [workerPid] = await waitFor('GPU workers', async () => {
    const pids = (await queryGpus(training.host)).flatMap((gpu) => gpu.processes.map((p) => p.pid));
    return pids.length === 2 ? pids : undefined;
  });
  assert.ok((await readFile(`/proc/${workerPid}/environ`)).includes(Buffer.from(`WANDB_API_KEY=${SECRET}`)));
  const ps = await training.host.exec(['ps', '-eo', 'args']);
  assert.ok(!ps.stdout.includes(SECRET));
  const runDir = path.join(training.tree.registryRoot, 'runs', launched.runId);
  for (const file of await readdir(runDir, { withFileTypes: true })) {
    if (file.isFile())
      assert.ok(!(await readFile(path.join(runDir, file.name))).includes(Buffer.from(SECRET)), file.name);
  }

  // A second launch into the same output folder is refused: while the first runs, as in use; on a machine so busy
  // that the first has already ended by now, for the checkpoints it left.
  await assert.rejects(
    launchRun(training.registry, await request('followed')),
    (error: unknown) =>
      error instanceof UserFacingError && ['output-in-use', 'output-has-checkpoints'].includes(error.code),
  );

  // Drop the SSH connection: kill the multiplexing master. The run does not notice; the follower reconnects.
  await waitFor('some progress', async () => (seen.length > 5 ? true : undefined));
  const master = await masterPid(training);
  assert.ok(master);
  process.kill(master, 'SIGKILL');
  dropped = true;
  const summary = await finished;
  assert.ok(dropped);
  assert.notEqual(await masterPid(training), master);
  assert.equal(summary.record.state, 'finished');
  assert.equal(reader.parser.progress?.step, 400);
  assert.equal(reader.parser.progress?.total, 400);
  assert.ok(reader.parser.progress?.loss !== undefined);
  assert.ok(seen.every((step, i) => i === 0 || step >= seen[i - 1]));
  assert.equal(textBytes, (await readFile(summary.record.logFile)).length);
  assert.deepEqual((await readdir(launched.outputDir)).filter((f) => f.endsWith('.pt')).sort(), [
    'checkpoint-100.pt',
    'checkpoint-200.pt',
    'checkpoint-300.pt',
    'checkpoint-400.pt',
  ]);
  assert.deepEqual((await readdir(path.join(launched.outputDir, 'samples'))).sort(), [
    'train_steps_200_0.mp4',
    'train_steps_200_1.mp4',
    'train_steps_200_2.mp4',
    'train_steps_400_0.mp4',
    'train_steps_400_1.mp4',
    'train_steps_400_2.mp4',
  ]);
  // The run used its own snapshot: the checkout's config still names the default output folder.
  assert.match(await readFile(training.tree.configFile, 'utf8'), /output_dir = f"model_ckpt\/\{tag\}"/);
  assert.equal(
    await readFile(path.join(runDir, 'config_snapshot.py'), 'utf8'),
    await readFile(training.tree.configFile, 'utf8'),
  );
  finishedRun = { runId: launched.runId, outputDir: launched.outputDir, configSnapshot: summary.record.configSnapshot };
  // Earlier checkpoints now own the folder: a new run there is refused.
  await assert.rejects(
    launchRun(training.registry, await request('followed')),
    (error: unknown) => error instanceof UserFacingError && error.code === 'output-has-checkpoints',
  );
});

test('stop ends the whole process group and leaves no process of the run, on a GPU or anywhere', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.05 });
  const launched = await launchRun(training.registry, await request('stopped', { totalSteps: 400 }));
  await waitFor('running with progress', async () =>
    ((await training.registry.get(launched.runId)).progress?.step ?? 0) > 3 ? true : undefined,
  );
  assert.ok((await processesOfRun(launched.runId)).length >= 4); // supervisor, accelerate, two workers
  // A generous grace: the processes end on TERM at once, but a busy machine may take seconds to schedule them.
  const result = await training.registry.stop(launched.runId, 20);
  assert.deepEqual([result.state, result.signal, result.remaining], ['stopped', 'TERM', []]);
  await assertNoProcessLeft(launched.runId);
  assert.deepEqual(
    (await queryGpus(training.host)).flatMap((gpu) => gpu.processes),
    [],
  );
  // Stopping again is harmless.
  assert.equal((await training.registry.stop(launched.runId, 5)).signal, null);
  await training.tree.setTrainer({ stepSeconds: 0.02 });
});

test('a run killed with -9 is detected as failed, with its last log lines', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.05 });
  const launched = await launchRun(training.registry, await request('killed'));
  await waitFor('progress', async () =>
    ((await training.registry.get(launched.runId)).progress?.step ?? 0) > 3 ? true : undefined,
  );
  process.kill(-launched.pgid!, 'SIGKILL');
  const summary = await waitFor('failed state', async () => {
    const current = await training.registry.get(launched.runId);
    return current.record.state === 'failed' ? current : undefined;
  });
  assert.match(summary.record.failure ?? '', /without an exit status/);
  assert.ok((summary.record.lastLines ?? []).some((line) => /Steps:/.test(line)));
  await training.tree.setTrainer({ stepSeconds: 0.02 });
});

test('an out-of-memory crash fails the run and is recognised in its log', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.02, failAt: 30, failKind: 'oom' });
  const launched = await launchRun(training.registry, await request('oom'));
  const follower = new RunFollower(training.registry, launched.runId, { pollMs: 200, statusEveryMs: 500 });
  const reader = follower.attach({});
  const summary = await follower.run();
  assert.equal(summary.record.state, 'failed');
  assert.equal(summary.record.exitCode, 1);
  assert.equal(reader.parser.errors[0]?.kind, 'oom');
  assert.equal(summary.lastError?.kind, 'oom');
  await training.tree.setTrainer({ stepSeconds: 0.02 });
});

test('a trainer that goes on past max_train_steps, as upstream does, is ended there and counts as finished', async () => {
  // Upstream's loop has no break: seen on a GPU, 28 steps for max_train_steps 20 (tqdm then prints "Steps: : 21it").
  await training.tree.setTrainer({ stepSeconds: 0.02, pastTotal: 100_000 });
  const launched = await launchRun(training.registry, await request('past-total', { totalSteps: 400 }));
  const summary = await waitFor(
    'the run to end',
    async () => {
      const current = await training.registry.get(launched.runId);
      return current.record.state === 'running' || current.record.state === 'starting' ? undefined : current;
    },
    120_000,
  );
  assert.equal(summary.record.state, 'finished');
  const log = await readFile(path.join(summary.record.runDir, 'train.log'), 'utf8');
  assert.match(log, /Steps: : 40\dit/);
  assert.match(
    log,
    /past max_train_steps \(400\); train_wm\.py would train on to the end of its epoch, so the run ends here/,
  );
  const reached = Number(await readFile(path.join(summary.record.runDir, 'reached-total'), 'utf8'));
  assert.ok(reached > 400 && reached < 1400, `ended at step ${reached}`);
  await assertNoProcessLeft(launched.runId);
  await training.tree.setTrainer({ stepSeconds: 0.02 });
});

test('tmux detaches a run just as well, and stop ends its session', async () => {
  const launched = await launchRun(training.registry, await request('tmux', { detach: 'tmux' }));
  await waitFor('progress', async () =>
    ((await training.registry.get(launched.runId)).progress?.step ?? 0) > 3 ? true : undefined,
  );
  const sessions = await training.host.exec(['tmux', 'list-sessions', '-F', '#{session_name}']);
  assert.ok(sessions.stdout.includes(`cwf-${launched.runId}`));
  assert.equal((await training.registry.stop(launched.runId, 5)).state, 'stopped');
  const after = await training.host.exec(['tmux', 'list-sessions', '-F', '#{session_name}']);
  assert.ok(!after.stdout.includes(`cwf-${launched.runId}`));
});

test('continue from a checkpoint: a new run in a new folder starts from its weights, and says where it came from', async () => {
  assert.ok(finishedRun, 'the first test finished a run');
  const checkpoint = path.join(finishedRun.outputDir, 'checkpoint-200.pt');
  const preflight = await runPreflight({
    registry: training.registry,
    workdir: training.tree.checkout,
    config: { kind: 'host', path: finishedRun.configSnapshot },
    gpus: [0],
    outputDir: `${finishedRun.outputDir}-from-200`,
    mainProcessPort: 29502,
    wandb: 'offline',
    detach: 'setsid',
    envSetup: training.tree.envSetup,
    environment: { checkpointSizeGb: 0.001 },
  });
  assert.deepEqual(
    preflight.checks.filter((c) => !c.ok),
    [],
  );
  const context = preflight.context!;
  const launched = await launchRun(training.registry, {
    ...(await request('unused')),
    configSource: context.configSource,
    configText: context.configText,
    outputDir: context.outputDir,
    gpus: [0],
    ckptPath: checkpoint,
    continuedFrom: { runId: finishedRun.runId, checkpoint, step: 200 },
  });
  const summary = await new RunFollower(training.registry, launched.runId, { pollMs: 200, statusEveryMs: 500 }).run();
  assert.equal(summary.record.state, 'finished');
  assert.deepEqual(summary.record.continuedFrom, { runId: finishedRun.runId, checkpoint, step: 200 });
  assert.deepEqual(summary.record.command.slice(-2), ['--ckpt_path', checkpoint]);
  assert.match(
    await readFile(summary.record.logFile, 'utf8'),
    new RegExp(`Loading checkpoint from ${checkpoint.replace(/[.]/g, '\\.')}!`),
  );
  // The earlier run's checkpoints are untouched; the new ones are in the new folder, named from the first interval
  // again.
  assert.equal(
    await readFile(path.join(finishedRun.outputDir, 'checkpoint-100.pt'), 'utf8'),
    'stand-in checkpoint, step 100\n',
  );
  assert.ok((await readdir(context.outputDir)).includes('checkpoint-100.pt'));
});
