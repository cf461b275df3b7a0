// The extension installs from its VSIX into a real VS Code, shows its container and answers its commands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './support/workbench';
import { REPO_ROOT, tempDir } from '../support/fixtures';

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

test("the extension's page shows the README with every screenshot loaded", async () => {
  const page = workbench.page;
  const screenshots = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').match(/!\[[^\]]*\]\(/g)?.length ?? 0;
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } });
  await page.keyboard.press('Control+Shift+X');
  await page
    .locator('.extensions-viewlet .monaco-list-row', { hasText: 'Ctrl-World Flexiv' })
    .first()
    .click({ timeout: 60_000 });
  // The README is a webview's inner frame with no title of its own: it is found by the README's first heading.
  const readmeFrame = async () => {
    for (const frame of page.frames().filter((candidate) => candidate.parentFrame())) {
      const headings = await frame
        .locator('h1#ctrl-world-flexiv')
        .count()
        .catch(() => 0);
      if (headings > 0) return frame;
    }
    return undefined;
  };
  const images = async () => {
    const frame = await readmeFrame();
    if (!frame) return [];
    return frame.locator('img').evaluateAll((elements) =>
      elements.map((element) => {
        const image = element as HTMLImageElement;
        return { alt: image.alt, complete: image.complete, width: image.naturalWidth };
      }),
    );
  };
  const deadline = Date.now() + 60_000;
  let shown = await images();
  while ((shown.length < screenshots || shown.some((image) => !image.complete)) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    shown = await images();
  }
  assert.equal(shown.length, screenshots, 'one image per screenshot of the README');
  assert.deepEqual(
    shown.filter((image) => image.width === 0).map((image) => image.alt),
    [],
    'screenshots that did not load',
  );
});
