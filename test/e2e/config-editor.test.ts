// The training config editor in a real VS Code: open config_flexiv.py, edit in the form, watch the .py text and the
// figures follow, undo, see errors inline and in Problems, fix out-of-memory in one click, apply a profile, reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { Workbench } from './support/workbench';
import { tempDir } from '../support/fixtures';
import { CONFIG_FIXTURES } from '../support/configFixtures';

let workbench: Workbench;
let workspace: { dir: string; cleanup: () => Promise<void> };
let form: FrameLocator;
const CONFIG = () => path.join(workspace.dir, 'config_flexiv.py');
const ORIGINAL = readFileSync(path.join(CONFIG_FIXTURES, 'config_flexiv.py'), 'utf8');

before(async () => {
  workspace = await tempDir('cwf-e2e-config-');
  copyFileSync(path.join(CONFIG_FIXTURES, 'config_flexiv.py'), CONFIG());
  workbench = await Workbench.launch({
    workspace: workspace.dir,
    settings: { 'files.autoSave': 'off' },
    viewport: { width: 1440, height: 1000 },
  });
  form = workbench.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
});

after(async () => {
  await workbench?.close();
  await workspace?.cleanup();
});

const figure = (id: string) => form.locator(`[data-figure="${id}"] .value`);
const input = (field: string) => form.locator(`#field-${field} input`);

async function setField(field: string, value: string): Promise<void> {
  await input(field).fill(value);
  await input(field).press('Enter');
}

/** The text of the config's text editor (opened beside the form), as Monaco renders it. */
async function textEditorContent(): Promise<string> {
  const lines = workbench.page.locator('.editor-instance .monaco-editor .view-lines').first();
  return ((await lines.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** Shows the field's line in the text editor beside the form (Monaco renders only the lines in view). */
async function revealLine(field: string): Promise<void> {
  // By keyboard: the text editor's scrollbar can lie over the link in the form beside it.
  await form.locator(`#row-${field} .line-link`).press('Enter');
}

/**
 * Waits until the field's line reads as `pattern`, revealing the line again while the form catches up with the edit.
 */
async function expectLine(field: string, pattern: RegExp, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  await revealLine(field);
  while (!pattern.test(await textEditorContent())) {
    if (Date.now() > deadline) assert.match(await textEditorContent(), pattern);
    await workbench.page.waitForTimeout(250);
    await revealLine(field);
  }
}

test('"Open Training Config" finds config_flexiv.py and shows the form with the seed\'s figures', async () => {
  // Nothing in this workspace activates the extension: running its command does.
  await workbench.runCommand('Ctrl-World: Open Training Config');
  await input('train_batch_size').waitFor({ timeout: 60_000 });
  assert.equal(await input('train_batch_size').inputValue(), '4');
  assert.equal(await input('learning_rate').inputValue(), '5e-6');
  assert.equal(await figure('globalBatch').textContent(), '32');
  assert.equal(await figure('checkpoints').textContent(), '10');
  assert.equal(await figure('validations').textContent(), '4');
  assert.equal(await figure('estimatedHours').textContent(), '~40 h');
  assert.equal(await figure('memoryPerGpuGb').textContent(), '~32.5 GB');
  await workbench.screenshot('config-editor');
});

test('changing train_batch_size in the form rewrites only that value, the figures follow, and undo restores both', async () => {
  await expectLine('train_batch_size', /train_batch_size = 4/);
  await setField('train_batch_size', '8');
  await expectLine('train_batch_size', /train_batch_size = 8/);
  await form.locator('[data-figure="globalBatch"] .value', { hasText: '64' }).waitFor();
  assert.equal(await figure('memoryPerGpuGb').textContent(), '~38 GB');
  assert.equal(await figure('estimatedHours').textContent(), '~80 h');
  await workbench.page.locator('.tab.dirty', { hasText: 'config_flexiv.py' }).first().waitFor();
  // Undo from the form (focus on the form, not in an input) reverts the document edit.
  await form.locator('[data-figure="checkpoints"]').click();
  await workbench.page.keyboard.press('Control+z');
  await expectLine('train_batch_size', /train_batch_size = 4/);
  await form.locator('[data-figure="globalBatch"] .value', { hasText: '32' }).waitFor();
  assert.equal(await input('train_batch_size').inputValue(), '4');
  assert.equal(readFileSync(CONFIG(), 'utf8'), ORIGINAL, 'nothing is saved until the user saves');
});

test('a wrong value is an inline error and a Problems entry; too little GPU memory offers the FAQ remedies', async () => {
  mkdirSync(path.join(workspace.dir, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(workspace.dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'ctrlWorld.training.gpuMemoryGb': 40 }),
  );
  await form.locator('[data-figure="memoryPerGpuGb"] .detail', { hasText: 'of 40 GB' }).waitFor({ timeout: 30_000 });
  await setField('checkpointing_steps', '200000');
  await form.locator('#messages-checkpointing_steps', { hasText: 'without saving a single checkpoint' }).waitFor();
  await workbench.page.keyboard.press('Control+Shift+M');
  await workbench.page
    .locator('.markers-panel .monaco-list-row', { hasText: 'without saving a single checkpoint' })
    .first()
    .waitFor({ timeout: 20_000 });
  await setField('train_batch_size', 'four');
  await form.locator('#messages-train_batch_size', { hasText: 'must be a whole number' }).waitFor();
  await setField('train_batch_size', '12');
  const remedy = form.locator(
    '.remedies vscode-button[data-remedy="train_batch_size 12 → 6, gradient_accumulation_steps 1 → 2"]',
  );
  await remedy.waitFor();
  assert.equal(await figure('memoryPerGpuGb').textContent(), '~43.5 GB');
  await form.locator('body').evaluate((body) => body.ownerDocument.defaultView?.scrollTo(0, 0));
  await workbench.screenshot('config-editor-remedies');
  await remedy.click();
  await expectLine('gradient_accumulation_steps', /gradient_accumulation_steps = 2/);
  await form.locator('[data-figure="memoryPerGpuGb"] .value', { hasText: '~35.3 GB' }).waitFor();
  assert.equal(await figure('globalBatch').textContent(), '96');
  assert.equal(await form.locator('.remedies').isHidden(), true);
  await form
    .locator('#messages-checkpointing_steps vscode-button', { hasText: 'Set checkpointing_steps to 10000' })
    .click();
  await expectLine('checkpointing_steps', /checkpointing_steps = 10000/);
});

test('a profile is compared before it is applied, in one undoable edit', async () => {
  // Keyboard only: open the list, move to the second profile, choose it.
  await form.locator('#profile-select').focus();
  await workbench.page.keyboard.press('Space');
  await workbench.page.keyboard.press('ArrowDown');
  await workbench.page.keyboard.press('Enter');
  await form.locator('#compare-profile').click();
  const diff = form.locator('.profile-diff table');
  await diff.waitFor();
  assert.match((await diff.textContent()) ?? '', /num_frames53/);
  await form.locator('#apply-profile').click();
  await expectLine('num_frames', /num_frames= 3/);
  assert.equal(await input('train_batch_size').inputValue(), '2');
});

test('after a reload the editor comes back with its collapsed groups', async () => {
  // By keyboard: the figures stay on top of the form and may cover a heading scrolled under them.
  await form.locator('#group-data h2 button').press('Enter');
  assert.equal(await form.locator('#group-data').getAttribute('class'), 'group collapsed');
  await workbench.page.keyboard.press('Control+s');
  await workbench.page.locator('.tab.dirty').first().waitFor({ state: 'detached' });
  // As a user does: the workbench saves its editors' and webviews' state before it reloads.
  await workbench.reload();
  await input('train_batch_size').waitFor({ timeout: 60_000 });
  assert.equal(await form.locator('#group-data').getAttribute('class'), 'group collapsed');
  assert.match(readFileSync(CONFIG(), 'utf8'), /^ {4}train_batch_size = 2$/m);
});
