// Start Flexiv Training in a real VS Code (code-server) against the real sshd acting as the GPU host: the quick
// picks by keyboard, the preflight checklist, the run in the Runs view and the status bar, re-attached after a
// window reload, and stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Workbench } from './support/workbench';
import {
  acceptInput,
  acceptWhenListed,
  launchTrainingWorkbench,
  quickInput,
  quickInputBox,
  startTrainingUpToConfig,
  type TrainingWorkbench,
} from './support/trainingWorkbench';
import { freePort } from '../support/sshd';
import { processesOfRun, waitFor, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;
let workbench: Workbench;
let session: TrainingWorkbench;

before(async () => {
  session = await launchTrainingWorkbench(
    { gpus: 2, steps: 3000, checkpointSteps: 1000, validationSteps: 3000, stepSeconds: 0.08 },
    {
      'ctrlWorld.training.mainProcessPort': await freePort(),
    },
  );
  ({ training, workbench } = session);
});

after(async () => {
  await session?.close();
});

test('Start Flexiv Training: quick picks, preflight checklist, then the run in the Runs view and the status bar', async () => {
  await workbench.openCtrlWorld();
  await startTrainingUpToConfig(session);
  // The test SSH config has a second host, so the multi-node question comes: this run is on one host.
  await acceptWhenListed(workbench, `${training.sshd.alias} only`);
  await quickInput(workbench).locator('.monaco-list-row', { hasText: 'GPU 1' }).waitFor({ timeout: 60_000 });
  await workbench.screenshot('start-training-gpus');
  await quickInputBox(workbench).press('Enter');
  await acceptInput(workbench, /^model_ckpt\/flexiv_finetune$/);
  await acceptWhenListed(workbench, 'Offline');
  const start = quickInput(workbench).locator('.monaco-list-row', { hasText: 'Start training' });
  await start.waitFor({ timeout: 120_000 });
  assert.equal(await quickInput(workbench).locator('.monaco-list-row .codicon-error').count(), 0);
  await workbench.screenshot('preflight');
  await quickInputBox(workbench).press('Enter');

  const runs = workbench.viewPane('Runs');
  const runRow = runs.locator('.monaco-list-row', { hasText: 'flexiv_finetune' });
  await runRow.locator('.label-description', { hasText: /running · [1-9][\d,]*\/3,000/ }).waitFor({ timeout: 90_000 });
  const status = workbench.page.locator('.statusbar-item', { hasText: /\d[\d,]*\/3,000/ });
  await status.waitFor({ timeout: 60_000 });
  assert.match(await status.innerText(), /\/3,000 · (train_loss [\d.]+ · )?[\d.]+ (it\/s|s\/it)/);
  await workbench.page
    .locator('.monaco-editor, .output-view', { hasText: 'Number of parameters in the unet' })
    .first()
    .waitFor({ timeout: 60_000 });
  await workbench.page.mouse.move(900, 300);
  await workbench.screenshot('runs-tree');
});

test('after a window reload the run is re-attached: the view and the status bar follow it again', async () => {
  const before = Number(
    /([\d,]+)\/3,000/
      .exec(await workbench.page.locator('.statusbar-item', { hasText: /\/3,000/ }).innerText())![1]
      .replace(/,/g, ''),
  );
  await workbench.reload({ settingsShownBy: /SSH connections use the config file/ });
  await workbench.openCtrlWorld();
  const status = workbench.page.locator('.statusbar-item', { hasText: /\/3,000/ });
  await status.waitFor({ timeout: 120_000 });
  const after = await waitFor(
    'a later step',
    async () => {
      const step = Number(/([\d,]+)\/3,000/.exec(await status.innerText())?.[1].replace(/,/g, '') ?? 0);
      return step > before ? step : undefined;
    },
    60_000,
    500,
  );
  assert.ok(after > before);
  await workbench
    .viewPane('Runs')
    .locator('.monaco-list-row', { hasText: 'flexiv_finetune' })
    .locator('.label-description', { hasText: /running/ })
    .waitFor({ timeout: 60_000 });
  await workbench.page.mouse.move(900, 300);
  await workbench.screenshot('runs-reattached');
});

test('Stop Run asks, then ends every process of the run', async () => {
  const [run] = await training.registry.list();
  await workbench.runCommand('Ctrl-World: Stop Run');
  await acceptWhenListed(workbench, 'flexiv_finetune');
  const dialog = workbench.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  await workbench.screenshot('stop-run-confirm');
  await dialog.locator('.monaco-button', { hasText: 'Stop Run' }).click();
  await workbench.told(/no process of it is left/, 90_000);
  assert.equal((await training.registry.get(run.record.runId)).record.state, 'stopped');
  assert.deepEqual(await processesOfRun(run.record.runId), []);
  await workbench
    .viewPane('Runs')
    .locator('.monaco-list-row', { hasText: 'flexiv_finetune' })
    .locator('.label-description', { hasText: /stopped/ })
    .waitFor({ timeout: 60_000 });
});

test('a failed check offers its fix: an output folder with earlier checkpoints gets a new folder, then all pass', async () => {
  const earlier = path.join(training.tree.checkout, 'model_ckpt', 'earlier');
  await mkdir(earlier, { recursive: true });
  await writeFile(path.join(earlier, 'checkpoint-1000.pt'), 'an earlier run');
  await startTrainingUpToConfig(session);
  // The test SSH config has a second host, so the multi-node question comes: this run is on one host.
  await acceptWhenListed(workbench, `${training.sshd.alias} only`);
  await acceptWhenListed(workbench, 'GPU 1');
  await waitFor(
    'the output folder box',
    async () => (/flexiv_finetune$/.test(await quickInputBox(workbench).inputValue()) ? true : undefined),
    30_000,
  );
  await quickInputBox(workbench).fill('model_ckpt/earlier');
  await quickInputBox(workbench).press('Enter');
  await acceptWhenListed(workbench, 'Offline');
  const failed = quickInput(workbench).locator('.monaco-list-row', { hasText: 'already holds 1 checkpoint' });
  await failed.waitFor({ timeout: 120_000 });
  await workbench.screenshot('preflight-failed');
  // The failed check with a fix is the active row: Enter applies it.
  await quickInputBox(workbench).press('Enter');
  await acceptInput(workbench, /^model_ckpt\/earlier-\d{8}-\d{4}$/);
  await quickInput(workbench).locator('.monaco-list-row', { hasText: 'Start training' }).waitFor({ timeout: 120_000 });
  await workbench.page.keyboard.press('Escape');
  assert.equal((await training.registry.list()).length, 1);
});
