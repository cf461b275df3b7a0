// The SLURM target's batch script, the preflight's reading of sinfo's answers, and sacctmgr's associations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { slurmTarget, type SlurmJobOptions } from '../../src/core/training/slurmTarget';
import { gpuCount, parseAssociations, parseSinfo, slurmMinutes } from '../../src/core/training/slurmCluster';
import { durationCheck, planJobs } from '../../src/core/training/slurmDuration';
import { sharedFilesystemCheck, srunOnOneNode } from '../../src/core/training/slurmComputeNode';
import { KIT_NOT_SHARED } from '../../src/core/training/kit';
import type { ProbeAnswer } from '../../src/core/training/preflightChecks';
import { launchInput } from '../../src/core/training/launch';
import { UserFacingError } from '../../src/core/errors';
import { stateLabel } from '../../src/core/training/runRecord';

const OPTIONS: SlurmJobOptions = { partition: 'gpu', nodes: 2, gpusPerNode: 8, timeLimit: '2-00:00:00' };
const SPEC = {
  gpus: [0],
  mainProcessPort: 29501,
  mixedPrecision: 'bf16',
  ckptPath: "/ckpt/it's here/checkpoint-10000.pt",
  pythonPath: '/reg/runs/r1/python',
  runId: 'r1',
  runDir: '/reg/runs/r1',
  workdir: '/home/u/Ctrl-World',
  envSetup: 'source ~/miniconda3/bin/activate ctrl-world',
};

test('the batch script asks SLURM for the nodes and GPUs and runs accelerate once per node with its rank', () => {
  const plan = slurmTarget({ ...OPTIONS, account: 'robots', qos: 'high' }).plan(SPEC);
  const script = plan.batchScript ?? '';
  for (const directive of [
    '--partition=gpu',
    '--nodes=2',
    '--ntasks-per-node=1',
    '--gres=gpu:8',
    '--time=2-00:00:00',
    '--account=robots',
    '--qos=high',
    '--output=/reg/runs/r1/train.log',
    '--chdir=/home/u/Ctrl-World',
  ])
    assert.match(script, new RegExp(`^#SBATCH ${directive}( |$)`, 'm'), directive);
  assert.ok(script.split('\n').every((line) => line.length <= 120));
  assert.match(script, /^ {2}source ~\/miniconda3\/bin\/activate ctrl-world$/m);
  assert.match(script, /^export PYTHONPATH=\/reg\/runs\/r1\/python\$\{PYTHONPATH:\+:\$PYTHONPATH\}$/m);
  assert.deepEqual(plan.argv.slice(0, 12), [
    'accelerate',
    'launch',
    '--num_machines',
    '$SLURM_NNODES',
    '--machine_rank',
    '$SLURM_NODEID',
    '--main_process_ip',
    '$CWF_MAIN_ADDRESS',
    '--main_process_port',
    '29501',
    '--num_processes',
    '16',
  ]);
  // bash reads the script, and the srun line hands each task one command with its variables unexpanded.
  execFileSync('bash', ['-n'], { input: script });
  const srun = script
    .slice(script.indexOf('\nsrun ') + 1)
    .replace(/^srun \S+ bash -c /, '')
    .trim();
  const perNode = execFileSync('bash', ['-c', `set -- ${srun}; printf %s "$1"`]).toString();
  assert.match(perNode, /--machine_rank "\$SLURM_NODEID" \\\n/);
  assert.match(perNode, /--ckpt_path '\/ckpt\/it'\\''s here\/checkpoint-10000\.pt'$/);
});

test('a SLURM launch writes the script into the run folder, keeps the WandB key out of it, and submits it', () => {
  const input = launchInput(
    {
      workdir: '/w',
      configSource: '/w/config.py',
      configText: 'class wm_args:\n    output_dir = "x"\n',
      outputDir: '/w/out',
      gpus: [0],
      mainProcessPort: 29501,
      wandb: { mode: 'online', apiKey: 'secret-key' },
      detach: 'setsid',
      envSetup: 'conda activate cw',
      git: null,
      target: slurmTarget(OPTIONS),
    },
    { root: '/reg', runId: 'r1', hostLabel: 'login' },
  );
  assert.equal(input.batchScript, 'job.sbatch');
  assert.ok(!input.files['job.sbatch'].includes('secret-key'));
  assert.deepEqual(input.env, { WANDB_API_KEY: 'secret-key' });
  assert.equal(input.record.target, 'slurm');
});

test('job options that are not SLURM names or numbers are refused before anything is written', () => {
  for (const bad of [{ partition: 'gpu; rm -rf ~' }, { nodes: 0 }, { gpusPerNode: 1.5 }, { timeLimit: 'two days' }])
    assert.throws(() => slurmTarget({ ...OPTIONS, ...bad }), UserFacingError);
});

test("sinfo's partition lines, gres lists and time limits", () => {
  assert.deepEqual(parseSinfo('gpu|up|4|gpu:a100:8(S:0-1)|2-00:00:00\ndebug|up|1|(null)|infinite\n'), [
    { partition: 'gpu', available: 'up', nodes: 4, gpusPerNode: 8, maxTime: '2-00:00:00', maxMinutes: 2880 },
    { partition: 'debug', available: 'up', nodes: 1, gpusPerNode: 0, maxTime: 'infinite', maxMinutes: undefined },
  ]);
  assert.equal(gpuCount('gpu:2,gpu:h100:4(S:0),nvme:1'), 6);
  assert.equal(slurmMinutes('90'), 90);
  assert.equal(slurmMinutes('0:30'), 1);
  assert.equal(slurmMinutes('2:00:00'), 120);
  assert.equal(slurmMinutes('1-12'), 2160);
  assert.equal(slurmMinutes('soon'), undefined);
});

test("sacctmgr's associations: each account and QoS once, in its order; nothing from lines it did not write", () => {
  const stdout = [
    'robots|normal,high',
    'vision|normal',
    // A user-level association of some clusters: no account, a QoS.
    '|debug',
    'robots|high,long ',
    'not a line of format=account,qos',
    '',
  ].join('\n');
  assert.deepEqual(parseAssociations(stdout), {
    accounts: ['robots', 'vision'],
    qos: ['normal', 'high', 'debug', 'long'],
  });
  assert.deepEqual(parseAssociations(''), { accounts: [], qos: [] });
  // An association without a QoS of its own.
  assert.deepEqual(parseAssociations('robots|\n'), { accounts: ['robots'], qos: [] });
});

test("views show a job's SLURM state beside the run's, with why it waits and when it may start", () => {
  assert.equal(stateLabel({ state: 'running' }), 'running');
  assert.equal(
    stateLabel({
      state: 'starting',
      slurm: { jobId: '7', state: 'PENDING', reason: 'Resources', startEstimate: '2026-12-06T04:00:00' },
    }),
    'starting · PENDING (Resources), est. start 2026-12-06T04:00:00',
  );
  assert.equal(stateLabel({ state: 'stopped', slurm: { jobId: '7', state: 'TIMEOUT' } }), 'stopped · TIMEOUT');
});

test("a job's time limit against the run's estimate: one job, several continued from checkpoints, or none", () => {
  const values = { max_train_steps: 100_000, checkpointing_steps: 10_000 };
  // The seed's reference speed, 1.44 s per step: 100,000 steps are 40 h.
  const environment = { gpus: 16 };
  const fits = durationCheck({ ...OPTIONS, timeLimit: '2-00:00:00' }, values, environment);
  assert.deepEqual([fits.ok, fits.warning], [true, undefined]);
  assert.match(fits.message, /estimated at 40 h .*within the job's time limit of 48 h/);

  const day = durationCheck({ ...OPTIONS, timeLimit: '1-00:00:00' }, values, environment);
  assert.deepEqual([day.ok, day.warning], [true, true]);
  assert.match(day.message, /a job trains about 60000 steps and keeps its checkpoint of step 60000/);
  assert.match(day.message, /takes 2 jobs: .*Continue from Checkpoint submits the next/);
  assert.match(day.message, /set max_train_steps to 60000 to train in one job/);
  // Each job keeps only what its last checkpoint holds: 4 h trains 10,000 steps, 7 h 17,500 but keeps 10,000.
  assert.equal(planJobs('4:00:00', values, environment)?.jobs, 10);
  assert.deepEqual(planJobs('7:00:00', values, environment), {
    estimatedMinutes: 2400,
    limitMinutes: 420,
    stepsPerJob: 17_500,
    savedPerJob: 10_000,
    jobs: 10,
  });
  // A measured speed replaces the reference.
  assert.equal(planJobs('1-00:00:00', values, { gpus: 16, secondsPerStep: 0.5 })?.jobs, 1);

  const short = durationCheck({ ...OPTIONS, timeLimit: '2:00:00' }, values, environment);
  assert.equal(short.ok, false);
  assert.equal(short.fix, 'open-config');
  assert.match(short.message, /before its first checkpoint \(about 5000 steps fit; checkpointing_steps is 10000\)/);
  assert.match(short.message, /set checkpointing_steps to 5000 or less/);
});

test('the compute-node probe goes through srun on one node of the partition, and its answer judges the shared disk', () => {
  assert.deepEqual(srunOnOneNode({ ...OPTIONS, account: 'robots' }, 2), [
    'srun',
    '--partition=gpu',
    '--nodes=1',
    '--ntasks=1',
    '--time=2',
    '--immediate=60',
    '--job-name=cwf-preflight',
    '--quiet',
    '--account=robots',
  ]);
  const paths = { workdir: '/home/u/Ctrl-World', registryRoot: '/home/u/.ctrl-world-flexiv' };
  const answer = { python: '3.10.12', node: 'gpu-07', paths: {}, files: { train: 'import torch' } };
  const seen = sharedFilesystemCheck(OPTIONS, paths, { answer: answer as unknown as ProbeAnswer });
  assert.deepEqual([seen.ok, seen.message.split(',')[0]], [true, 'gpu-07']);
  const unseen = sharedFilesystemCheck(OPTIONS, paths, {
    answer: { ...answer, files: { train: null } } as unknown as ProbeAnswer,
  });
  assert.equal(unseen.ok, false);
  assert.match(
    unseen.message,
    /^gpu-07, a compute node of gpu, cannot read \/home\/u\/Ctrl-World\/scripts\/train_wm\.py/,
  );
  const kitMissing = new UserFacingError('not visible', undefined, KIT_NOT_SHARED);
  assert.match(
    sharedFilesystemCheck(OPTIONS, paths, { error: kitMissing }).message,
    /^The run folders in \/home\/u\/\.ctrl-world-flexiv are not visible from a compute node of gpu/,
  );
  const busy = new UserFacingError('srun: error: Unable to allocate resources: Requested nodes are busy');
  assert.match(
    sharedFilesystemCheck(OPTIONS, paths, { error: busy }).message,
    /^srun could not run the probe on a compute node of gpu: srun: error: .*busy.* waits 60 s/,
  );
});
