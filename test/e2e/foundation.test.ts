// The extension installs from its VSIX into a real VS Code, shows its container and answers its commands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workbench } from './support/workbench';
import { tempDir } from '../support/fixtures';

let workbench: Workbench;
let cleanupWorkspace: () => Promise<void>;

before(async () => {
  const workspace = await tempDir('cwf-e2e-ws-');
  cleanupWorkspace = workspace.cleanup;
  workbench = await Workbench.launch({ workspace: workspace.dir });
});

after(async () => {
  await workbench?.close();
  await cleanupWorkspace?.();
});

test('the Ctrl-World container shows Datasets, Runs and Sample Preview with their welcome content', async () => {
  await workbench.openCtrlWorld();
  const datasets = workbench.viewPane('Datasets');
  await datasets
    .locator('.welcome-view-content', { hasText: 'No Flexiv episodes found yet' })
    .waitFor({ timeout: 30_000 });
  assert.ok(await datasets.locator('.monaco-button', { hasText: 'Add Dataset Folder' }).isVisible());
  const runs = workbench.viewPane('Runs');
  await runs.locator('.welcome-view-content', { hasText: 'No training runs yet' }).waitFor();
  assert.ok(await runs.locator('.monaco-button', { hasText: 'Start Flexiv Training' }).isVisible());
  const preview = workbench.webview('Sample Preview');
  await preview.locator('.empty-state', { hasText: 'No run is selected' }).waitFor({ timeout: 30_000 });
  await workbench.screenshot('sidebar-welcome');
});

test('"Start Flexiv Training" runs from the command palette and asks for the GPU host first', async () => {
  await workbench.runCommand('Ctrl-World: Start Flexiv Training');
  const picker = workbench.page.locator('.quick-input-widget');
  await picker.locator('.quick-input-title', { hasText: 'Start Flexiv Training' }).waitFor({ timeout: 30_000 });
  await picker.locator('.monaco-list-row', { hasText: 'This machine' }).waitFor({ timeout: 30_000 });
  await workbench.screenshot('start-training-command');
  await workbench.page.keyboard.press('Escape');
});

test('activation is logged with its duration', async () => {
  await workbench.runCommand('Ctrl-World: Show Output');
  const deadline = Date.now() + 20_000;
  while (!/Activated in [\d.]+ ms/.test(workbench.extensionLog()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  assert.match(workbench.extensionLog(), /Activated in [\d.]+ ms \(module load \+ activate: [\d.]+ ms\)/);
});
