// Start Flexiv Training in a real VS Code (code-server) on a SLURM login node: the real sshd with SLURM_CONF pointing
// at the tests' own cluster (munged, slurmctld, two slurmd). The job's questions by keyboard, the job RUNNING in the
// Runs view, then Stop Run cancels it and squeue knows nothing of it still running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptInput,
  acceptWhenListed,
  launchTrainingWorkbench,
  quickInput,
  startTrainingUpToConfig,
  type TrainingWorkbench,
} from './support/trainingWorkbench';
import { startSlurmCluster, type TestSlurmCluster } from '../support/slurm';
import { processesOfRun } from '../support/trainingHost';

let cluster: TestSlurmCluster;
let session: TrainingWorkbench;

before(async () => {
  cluster = await startSlurmCluster();
  session = await launchTrainingWorkbench(
    { gpus: 2, steps: 3000, checkpointSteps: 1000, validationSteps: 3000, stepSeconds: 0.1 },
    {},
    { SLURM_CONF: cluster.confFile },
  );
});

after(async () => {
  await session?.close();
  await cluster?.stop();
});

test('Start Flexiv Training on a SLURM login node: the job RUNNING in the Runs view, then Stop Run cancels it', async () => {
  const { workbench, training } = session;
  await workbench.openCtrlWorld();
  await startTrainingUpToConfig(session);
  await acceptWhenListed(workbench, 'SLURM cluster');
  await acceptWhenListed(workbench, /debug.*2 node\(s\) · 2 GPU\(s\) per node/);
  await acceptInput(workbench, /^1$/);
  await acceptInput(workbench, /^2$/);
  // The partition has no limit: a day is offered.
  await acceptInput(workbench, /^24:00:00$/);
  // No accounting storage, so no associations to offer: the cluster's default account and QoS.
  await acceptInput(workbench, /^$/, /^Account to charge/);
  await acceptInput(workbench, /^$/, /^Quality of service/);
  await acceptInput(workbench, /^model_ckpt\/flexiv_finetune$/);
  await acceptWhenListed(workbench, 'Offline');
  await quickInput(workbench).locator('.monaco-list-row', { hasText: 'Start training' }).waitFor({ timeout: 120_000 });
  assert.equal(await quickInput(workbench).locator('.monaco-list-row .codicon-error').count(), 0);
  await workbench.screenshot('slurm-preflight');
  await quickInput(workbench).locator('input').first().press('Enter');
  const submitted = Date.now();

  const runRow = workbench.viewPane('Runs').locator('.monaco-list-row', { hasText: 'flexiv_finetune' });
  await runRow.locator('.label-description', { hasText: /running · RUNNING/ }).waitFor({ timeout: 60_000 });
  console.log(`SLURM e2e: Start training → "running · RUNNING" in the Runs view in ${Date.now() - submitted} ms`);
  const [run] = await training.registry.list();
  const jobId = run.record.slurm?.jobId;
  assert.match(jobId ?? '', /^\d+$/);
  assert.equal((await cluster.client('squeue', ['-h', '-j', jobId!, '-o', '%T'])).trim(), 'RUNNING');
  await workbench.page.mouse.move(900, 300);
  await workbench.screenshot('slurm-running');

  await workbench.runCommand('Ctrl-World: Stop Run');
  await acceptWhenListed(workbench, 'flexiv_finetune');
  await workbench.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Stop Run' }).click();
  // Stopping waits up to the grace period (30 s) for the job to end, then up to 60 s more for scancel and the check
  // that nothing is left (RunRegistry.stop): a slow stop on a busy machine is still a stop.
  try {
    await workbench.told(/no process of it is left/, 100_000);
  } catch (error) {
    console.log(`${await workbench.whatIsOnScreen()}\n${workbench.extensionLog()}`);
    throw error;
  }
  await runRow.locator('.label-description', { hasText: /stopped · CANCELLED/ }).waitFor({ timeout: 30_000 });
  // One stop, one notification (Stop Run's): neither the followed run's end nor the run news tells it again.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const told = (await workbench.notificationsShown()).filter((text) => /flexiv_finetune.*stopped/.test(text));
  assert.ok(told.length <= 1, told.join('\n'));
  for (const text of told) assert.match(text, /no process of it is left/);
  assert.equal((await cluster.client('squeue', ['-h', '-j', jobId!, '-t', 'PD,R,CG,S', '-o', '%i'])).trim(), '');
  assert.deepEqual(await processesOfRun(run.record.runId), []);
});
