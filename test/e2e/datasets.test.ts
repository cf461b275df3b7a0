// The Datasets view in a real VS Code: add a folder of h5py-written episodes, see datasets, episodes, cameras,
// problems in the tree and the Problems panel, filter, details, and a new episode picked up by the watcher.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Workbench } from './support/workbench';
import { tempDir, writeEpisodes, type EpisodeSpec } from '../support/fixtures';
import { waitFor } from '../support/trainingHost';

let workbench: Workbench;
let root: string;
let cleanup: () => Promise<void>;
const dataset = () => path.join(root, 'robot-data', 'flexiv_1113');

const realistic = {
  height: 96,
  width: 128,
  task: 'pick up the red block and place it in the bowl',
} satisfies Partial<EpisodeSpec>;

before(async () => {
  ({ dir: root, cleanup } = await tempDir('cwf-e2e-datasets-'));
  await mkdir(path.join(root, 'workspace'));
  await writeEpisodes(path.join(root, 'robot-data'), [
    ...[0, 1, 2, 10].map((i): EpisodeSpec => ({
      path: `flexiv_1113/episode_${i}.hdf5`,
      frames: 30 + 10 * i,
      seed: i,
      ...realistic,
    })),
    { path: 'flexiv_1113/episode_3.hdf5', frames: 40, seed: 3, nan_in: { action: [5, 6] }, ...realistic },
    { path: 'flexiv_1113/episode_4.hdf5', frames: 40, seed: 4, cameras: ['cam_high', 'cam_left_wrist'], ...realistic },
    { path: 'flexiv_1113/episode_5.hdf5', frames: 40, seed: 5, truncate_to_bytes: 5000, ...realistic },
    { path: 'flexiv_1113/episode_6.hdf5', frames: 40, seed: 6, encoding: 'raw', compression: 'lzf', ...realistic },
  ]);
  workbench = await Workbench.launch({ workspace: path.join(root, 'workspace') });
});

after(async () => {
  await workbench?.close();
  await cleanup?.();
});

test('"Add Dataset Folder" lists the dataset, its episodes in natural order and their problems', async () => {
  await workbench.openCtrlWorld();
  // Room for the tree in the screenshots: the other views folded, the side bar wider.
  await workbench.collapseViewPane('Runs');
  await workbench.collapseViewPane('Sample Preview');
  await workbench.resizeSideBar(560);
  await workbench.runCommand('Ctrl-World: Add Dataset Folder');
  await workbench.answerFileDialog(dataset());
  const datasetRow = workbench.treeRow('Datasets', /flexiv_1113.*8 episodes/);
  await datasetRow.waitFor({ timeout: 60_000 });
  assert.match(await datasetRow.innerText(), /8 episodes .*3 errors/s);

  const labels = await workbench.viewPane('Datasets').locator('.monaco-list-row .label-name').allInnerTexts();
  const episodes = labels.filter((label) => label.startsWith('episode_'));
  assert.deepEqual(episodes, [
    'episode_0',
    'episode_1',
    'episode_2',
    'episode_3',
    'episode_4',
    'episode_5',
    'episode_6',
    'episode_10',
  ]);
  assert.match(await workbench.treeRow('Datasets', 'episode_5').innerText(), /unreadable/);

  await workbench.expandTreeRow('Datasets', /^episode_6/);
  await workbench.treeRow('Datasets', /cam_high.*96x128 · raw · lzf/).waitFor({ timeout: 20_000 });
  await workbench.expandTreeRow('Datasets', /^episode_2/);
  await workbench.treeRow('Datasets', /cam_left_wrist.*50 frames · 96x128 · jpeg/).waitFor();
  await workbench.treeRow('Datasets', /qpos.*\(50, 7\) float64/).waitFor();
  await workbench.screenshot('datasets-tree');
});

test('the Problems panel names the dataset, the file and what to do', async () => {
  await workbench.resizeSideBar(330); // the panel's messages need the width
  const panel = await workbench.problemsPanel();
  await panel
    .locator('.monaco-list-row', { hasText: /flexiv_1113\/episode_5\.hdf5 is truncated: 5,000 of [\d,]+ bytes/ })
    .first()
    .waitFor({ timeout: 20_000 });
  await panel
    .locator('.monaco-list-row', { hasText: /episode_3\.hdf5: action has NaN or Inf values in 2 of 40 frames/ })
    .first()
    .waitFor();
  await panel
    .locator('.monaco-list-row', { hasText: /episode_4\.hdf5: camera cam_right_wrist missing/ })
    .first()
    .waitFor();
  await workbench.page.mouse.move(700, 300); // no hover tooltip in the picture
  await workbench.screenshot('problems');
  await workbench.resizeSideBar(560);
});

test('filtering keeps the matching episodes and says so in the view', async () => {
  await workbench.runCommand('Ctrl-World: Filter Episodes…');
  const input = workbench.page.locator('.quick-input-widget .quick-input-box input').first();
  await input.fill('episode_1');
  await input.press('Enter');
  await workbench
    .viewPane('Datasets')
    .locator('.pane-header', { hasText: 'filter: "episode_1"' })
    .waitFor({ timeout: 20_000 });
  await workbench.treeRow('Datasets', /flexiv_1113.*2 of 8 episodes/).waitFor({ timeout: 20_000 });
  const labels = await workbench.viewPane('Datasets').locator('.monaco-list-row .label-name').allInnerTexts();
  assert.deepEqual(
    labels.filter((label) => label.startsWith('episode_')),
    ['episode_1', 'episode_10'],
  );
  await workbench.runCommand('Ctrl-World: Clear Episode Filter');
  await workbench.treeRow('Datasets', /^episode_6/).waitFor({ timeout: 20_000 });
});

test("a camera's details open in a read-only document", async () => {
  await workbench.expandTreeRow('Datasets', /^episode_0/);
  const camera = workbench.treeRow('Datasets', /cam_right_wrist.*30 frames/);
  await camera.hover();
  await camera.locator('.action-label[aria-label^="Show Episode Details"]').click();
  const editor = workbench.page.locator('.editor-instance .view-lines');
  await editor
    .filter({ hasText: /cam_right_wrist/ })
    .first()
    .waitFor({ timeout: 20_000 });
  assert.match(await workbench.page.locator('.tab.active').innerText(), /episode_0\.hdf5\.md/);
});

test('a new episode copied into the folder appears without a manual refresh', async () => {
  await writeEpisodes(path.join(root, 'robot-data'), [
    { path: 'flexiv_1113/episode_11.hdf5', frames: 25, seed: 11, ...realistic },
  ]);
  await workbench.treeRow('Datasets', /^episode_11/).waitFor({ timeout: 60_000 });
  assert.match(await workbench.treeRow('Datasets', /flexiv_1113/).innerText(), /9 episodes/);
});

async function openWalkthrough(): Promise<void> {
  await workbench.runCommand('Welcome: Open Walkthrough...');
  const input = workbench.page.locator('.quick-input-widget .quick-input-box input').first();
  await input.fill('Fine-tune Ctrl-World');
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Fine-tune Ctrl-World' })
    .first()
    .waitFor();
  await input.press('Enter');
}

test('the walkthrough ticks "Add your episodes" and "Look at an episode" as they are done', async () => {
  const page = workbench.page;
  // VS Code starts its walkthrough service when something first shows a walkthrough (the Welcome page, usually at
  // startup); this test's editor opens with no Welcome page, so the walkthrough is opened before the steps are done.
  await openWalkthrough();
  const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first();
  await step('datasets').waitFor({ timeout: 30_000 });
  assert.equal(await step('datasets').getAttribute('aria-checked'), 'false');

  await workbench.runCommand('Ctrl-World: Add Dataset Folder');
  await workbench.answerFileDialog(dataset());
  const row = workbench.treeRow('Datasets', /^episode_2/);
  await row.hover();
  await row.locator('.action-label[aria-label="Open Episode Preview"]').click({ timeout: 10_000 });
  await page.locator('.tabs-container .tab', { hasText: 'episode_2' }).first().waitFor({ timeout: 60_000 });
  // Opening the preview replaced the walkthrough's tab; opened again, it shows the steps' state.
  await openWalkthrough();
  for (const id of ['datasets', 'preview']) {
    await waitFor(
      `the "${id}" step ticked`,
      async () => ((await step(id).getAttribute('aria-checked')) === 'true' ? true : undefined),
      30_000,
      300,
    );
  }
  assert.equal(await step('convert').getAttribute('aria-checked'), 'false', 'Convert is not done yet');
  await workbench.screenshot('walkthrough');
});
