// The SLURM target against a real SLURM (munged, slurmctld, two slurmd on this machine) reached over the real
// sshd: a 2-node job of the stand-in trainer through sbatch, srun and accelerate's multi-machine flags.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { launchRun, type LaunchResult } from '../../src/core/training/launch';
import { slurmTarget, type SlurmJobOptions } from '../../src/core/training/slurmTarget';
import { hasSbatch, listAssociations, listPartitions, slurmPreflight } from '../../src/core/training/slurmCluster';
import { runPreflight, type PreflightResult } from '../../src/core/training/preflight';
import { RunRegistry } from '../../src/core/training/registry';
import { UserFacingError } from '../../src/core/errors';
import { isActive, stateLabel, type RunSummary } from '../../src/core/training/runRecord';
import { startSlurmCluster, type TestSlurmCluster } from '../support/slurm';
import {
  assertNoProcessLeft,
  launchRequest,
  processesOfRun,
  startTrainingHost,
  waitFor,
  type TrainingHost,
} from '../support/trainingHost';

let cluster: TestSlurmCluster;
let training: TrainingHost;
const SECRET = 'wandb-secret-slurm-0123456789';

before(async () => {
  cluster = await startSlurmCluster();
  training = await startTrainingHost(
    { gpus: 2, steps: 200, checkpointSteps: 100, validationSteps: 200, stepSeconds: 0.03 },
    // The batch script's check for max_train_steps looks every second instead of every five.
    { SLURM_CONF: cluster.confFile, CWF_TOTAL_POLL_SECONDS: '1' },
  );
});

after(async () => {
  await training?.stop();
  await cluster?.stop();
});

function jobOptions(extra: Partial<SlurmJobOptions> = {}): SlurmJobOptions {
  return { partition: cluster.partition, nodes: 2, gpusPerNode: cluster.gpusPerNode, timeLimit: '5', ...extra };
}

/** Polls the run as the Runs view does, keeping each distinct (run state, SLURM state, reason) seen. */
async function watch(runId: string, until: (summary: RunSummary) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    `run ${runId}`,
    async () => {
      const summary = await training.registry.get(runId);
      const { state, slurm } = summary.record;
      const entry = `${state}/${slurm?.state ?? '-'}/${slurm?.reason ?? ''}`;
      if (seen.at(-1) !== entry) seen.push(entry);
      return until(summary) ? true : undefined;
    },
    timeoutMs,
    200,
  );
  return seen;
}

/** What the SLURM preflight tests give runPreflight: the test host's checkout and the job's SLURM options. */
function preflightInput(slurm: ReturnType<typeof jobOptions>) {
  return {
    registry: training.registry,
    workdir: training.tree.checkout,
    config: { kind: 'host', path: 'config_flexiv.py' },
    mainProcessPort: 29501,
    wandb: 'offline',
    detach: 'setsid',
    envSetup: training.tree.envSetup,
    environment: { checkpointSizeGb: 0.001 },
    slurm,
  } as const;
}

test('a 2-node job waits for its GPUs, runs the trainer on both nodes and completes at max_train_steps', async () => {
  // As upstream, the stand-in would train on far past max_train_steps: the job must end itself there.
  await training.tree.setTrainer({ stepSeconds: 0.03, pastTotal: 10_000 });
  // Another job holds every GPU until this one is seen waiting for them, and why.
  const release = path.join(cluster.dir, 'release-blocker');
  const hold = `until [ -e ${release} ]; do sleep 0.2; done`;
  const blockerId = (
    await cluster.client('sbatch', ['--parsable', '-N2', '--gres=gpu:2', '-o', '/dev/null', '--wrap', hold])
  ).trim();
  await waitFor('the blocking job to run', async () => {
    const state = await cluster.client('squeue', ['-h', '-j', blockerId, '-o', '%T']);
    return state.trim() === 'RUNNING' ? true : undefined;
  });
  const request = await launchRequest(training, 'slurm-complete', {
    target: slurmTarget(jobOptions()),
    wandb: { mode: 'online', apiKey: SECRET },
    totalSteps: 200,
  });
  const launched = await launchRun(training.registry, request);
  assert.match(launched.jobId ?? '', /^\d+$/);

  let secretInWorkers = false;
  const seen = await watch(launched.runId, (summary) => {
    const { state, slurm } = summary.record;
    if (slurm?.reason === 'Resources') void writeFile(release, '');
    if (slurm?.state === 'RUNNING' && !secretInWorkers)
      void workersEnvironment(launched.runId).then((env) => (secretInWorkers ||= env.includes(SECRET)));
    return state === 'finished';
  });
  assert.ok(seen.includes('starting/PENDING/Resources'), seen.join(' → '));
  assert.ok(seen.includes('running/RUNNING/'), seen.join(' → '));
  assert.equal(seen.at(-1), 'finished/COMPLETED/', seen.join(' → '));

  const log = await readFile(path.join(launched.runDir, 'train.log'), 'utf8');
  assert.match(log, /Steps: 100%/);
  assert.match(log, /step \d+ is past max_train_steps \(200\); the job ends here/);
  const outputs = await readdir(request.outputDir);
  assert.ok(outputs.includes('checkpoint-200.pt'), outputs.join(' '));
  const record = (await training.registry.get(launched.runId)).record;
  assert.equal(record.target, 'slurm');
  assert.equal(record.slurm?.jobId, launched.jobId);
  // The key reached the trainer through sbatch's environment and nowhere else.
  assert.ok(secretInWorkers, 'the WandB key was not in the workers environment');
  for (const file of ['job.sbatch', 'run.json', 'train.log'])
    assert.ok(!(await readFile(path.join(launched.runDir, file), 'utf8')).includes(SECRET), file);
  const script = await readFile(path.join(launched.runDir, 'job.sbatch'), 'utf8');
  assert.match(script, /--machine_rank "\$SLURM_NODEID"/);
});

test('stop cancels the job with scancel and leaves nothing of it running; submit→RUNNING and poll cost', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.5, pastTotal: 0 });
  const request = await launchRequest(training, 'slurm-cancel', { target: slurmTarget(jobOptions()) });
  const submitted = Date.now();
  const launched: LaunchResult = await launchRun(training.registry, request);
  await watch(launched.runId, (summary) => summary.record.slurm?.state === 'RUNNING');
  const toRunning = Date.now() - submitted;
  await waitFor('trainer processes', async () =>
    (await processesOfRun(launched.runId)).length > 2 ? true : undefined,
  );

  const polls = 5;
  const pollStart = Date.now();
  for (let i = 0; i < polls; i++) await training.registry.get(launched.runId);
  const pollMs = (Date.now() - pollStart) / polls;
  const squeueStart = Date.now();
  for (let i = 0; i < polls; i++) await cluster.client('squeue', ['-h', '-t', 'all', '-j', launched.jobId!]);
  const squeueMs = (Date.now() - squeueStart) / polls;
  console.log(
    `SLURM: submit→RUNNING ${toRunning} ms; one status poll over ssh (runs.py list + squeue) ` +
      `${pollMs.toFixed(0)} ms, of which squeue alone ${squeueMs.toFixed(0)} ms`,
  );

  const stopped = await training.registry.stop(launched.runId, 5);
  assert.equal(stopped.state, 'stopped');
  // What Stop Run tells the user: nothing of the run is left, the batch script's supervisor included.
  assert.deepEqual(stopped.remaining, []);
  assert.equal((await training.registry.get(launched.runId)).record.slurm?.state, 'CANCELLED');
  assert.deepEqual(await processesOfRun(launched.runId), []);
  const queued = await cluster.client('squeue', ['-h', '-j', launched.jobId!, '-t', 'PD,R,CG', '-o', '%i']);
  assert.equal(queued.trim(), '');
  await training.tree.setTrainer({ stepSeconds: 0.03 });
});

test('a trainer that crashes on one node fails the job, and the run, with its last log lines', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.03, failAt: 5, failKind: 'crash' });
  const request = await launchRequest(training, 'slurm-crash', { target: slurmTarget(jobOptions()) });
  const launched = await launchRun(training.registry, request);
  await watch(launched.runId, (summary) => summary.record.state === 'failed');
  const { record } = await training.registry.get(launched.runId);
  assert.equal(record.slurm?.state, 'FAILED');
  assert.match(record.failure ?? '', /a task exited with an error/);
  assert.ok(
    (record.lastLines ?? []).some((line) => /Error/.test(line)),
    (record.lastLines ?? []).join('\n'),
  );
  await assertNoProcessLeft(launched.runId);
  await training.tree.setTrainer({ stepSeconds: 0.03 });
});

// A job running into SLURM's shortest time limit takes over a minute; the preflight tests need no GPUs and only a
// CPU of a node, so they run beside it rather than after it.
describe('beside a job running into its time limit', { concurrency: true }, () => {
  test('a job past its time limit ends in TIMEOUT, a known end that says Continue from Checkpoint goes on', async () => {
    // Slower than SLURM's shortest limit (a minute) allows, with a checkpoint before it; like upstream it trains on.
    await training.tree.setTrainer({ stepSeconds: 0.2, pastTotal: 10_000 });
    const request = await launchRequest(training, 'slurm-timeout', {
      target: slurmTarget(jobOptions({ nodes: 1, gpusPerNode: 1, timeLimit: '1' })),
    });
    const launched = await launchRun(training.registry, request);
    const submitted = Date.now();
    // slurmctld looks at time limits every 30 s or so, so the job ends between one and two minutes after its start.
    const seen = await watch(launched.runId, (summary) => !isActive(summary.record.state), 150_000);
    const ended = Date.now() - submitted;
    assert.ok(seen.includes('running/RUNNING/'), seen.join(' → '));
    // squeue's reason for the end is SLURM's own: TimeLimit.
    assert.equal(seen.at(-1), 'stopped/TIMEOUT/TimeLimit', seen.join(' → '));
    const { record } = await training.registry.get(launched.runId);
    assert.equal(stateLabel(record), 'stopped · TIMEOUT (TimeLimit)');
    assert.match(record.failure ?? '', /reached its time limit .*not a crash/);
    assert.match(record.failure ?? '', /Continue from Checkpoint submits a new job/);
    assert.equal(record.lastLines, undefined);
    assert.ok((await readdir(request.outputDir)).includes('checkpoint-100.pt'));
    await assertNoProcessLeft(launched.runId);
    console.log(`SLURM: a job with a 1-minute limit ended in TIMEOUT ${Math.round(ended / 1000)} s after its submit`);
  });

  test('the login node offers its partitions; a missing one is a preflight error, and sbatch refusals reach the user', async () => {
    const preflight = await runPreflight(preflightInput(jobOptions({ partition: 'gpu-a100' })));
    assert.deepEqual(
      preflight.checks.filter((check) => !check.ok).map((check) => [check.id, check.message]),
      [['slurm-partition', `There is no partition "gpu-a100" on ${training.host.label}; its partitions are debug.`]],
    );
    // The time limit is judged against the config editor's estimate even where the partition is wrong.
    const duration = preflight.checks.find((check) => check.id === 'slurm-duration');
    assert.match(duration?.message ?? '', /^The run is estimated at \d+ min .*the job's time limit of 5 min/);
    assert.ok(await hasSbatch(training.host));
    assert.deepEqual(await listPartitions(training.host), [
      { name: 'debug', available: 'up', nodes: 2, gpusPerNode: 2, maxTime: 'infinite' },
    ]);
    // Without accounting storage sacctmgr refuses: no associations, so the account and QoS are typed in.
    assert.deepEqual(await listAssociations(training.host), { accounts: [], qos: [] });
    const good = await slurmPreflight(training.host, jobOptions());
    assert.deepEqual(
      good.map((check) => [check.id, check.ok]),
      [
        ['slurm-partition', true],
        ['slurm-resources', true],
        ['slurm-time', true],
      ],
    );
    const tooMany = await slurmPreflight(training.host, jobOptions({ gpusPerNode: 4 }));
    assert.match(tooMany[1].message, /No node of debug has 4 GPUs \(at most 2\)/);

    // Submitted without the preflight, sbatch's own refusal is the error, and no run is left behind.
    const request = await launchRequest(training, 'slurm-nowhere', {
      target: slurmTarget(jobOptions({ partition: 'gpu-a100' })),
    });
    await assert.rejects(launchRun(training.registry, request), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.match(error.message, /sbatch refused the job: .*invalid partition/i);
      return true;
    });
    const names = (await training.registry.list()).map((summary) => summary.record.outputDir);
    assert.ok(!names.includes(request.outputDir));
  });

  test('the preflight asks a compute node through srun, which says who answered and what it cannot see', async () => {
    const input = preflightInput(jobOptions());
    const checked = Date.now();
    const good = await runPreflight(input);
    const goodMs = Date.now() - checked;
    assert.deepEqual(
      good.checks.filter((check) => !check.ok).map((check) => [check.id, check.message]),
      [],
    );
    const message = (result: PreflightResult, id: string) => result.checks.find((check) => check.id === id)?.message;
    assert.match(message(good, 'slurm-shared-fs') ?? '', /^n[12], a compute node of debug, reads the checkout /);
    for (const id of ['python-env', 'checkout', 'trainer-imports'])
      assert.match(message(good, id) ?? '', / \(on n[12]\)$/, id);

    // A checkout on a disk of the login node alone: the login node reads it, no compute node does. Run folders
    // there: the kit copied into them is missing where srun runs it.
    const hidden = path.join(cluster.loginOnlyDir, 'Ctrl-World');
    await cp(training.tree.checkout, hidden, { recursive: true });
    const registry = new RunRegistry(training.host, path.join(cluster.loginOnlyDir, 'registry'));
    const [unshared, noRuns] = await Promise.all([
      runPreflight({ ...input, workdir: hidden }),
      runPreflight({ ...input, registry }),
    ]);
    assert.match(
      message(unshared, 'slurm-shared-fs') ?? '',
      new RegExp(`^n[12], a compute node of debug, cannot read ${hidden}/scripts/train_wm\\.py\\. If the checkout`),
    );
    assert.match(
      message(noRuns, 'slurm-shared-fs') ?? '',
      /^The run folders in .*\/login-only\/registry are not visible from a compute node of debug.*registryFolder/,
    );
    console.log(`SLURM: a preflight with both probes through srun took ${goodMs} ms`);
  });
});

/** The environments of the run's processes on this machine (both "nodes" are here). */
async function workersEnvironment(runId: string): Promise<string> {
  const texts = await Promise.all(
    (await processesOfRun(runId)).map((pid) => readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '')),
  );
  return texts.join('\n');
}
