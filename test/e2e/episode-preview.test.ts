// The Episode Preview in a real VS Code: opened from the Datasets tree, cameras painted in sync, playback, chart
// click, flagging (seen in the tree and on disk), the panel restored at the same frame after a reload, and another
// episode shown in the same panel unless it is kept open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { clickUntilOpen, Workbench } from './support/workbench';
import {
  episodePreviewFrame,
  focusPreview,
  previewCounters,
  sampleCanvases,
  waitForCounters,
} from './support/episodePreview';
import { tempDir, writeEpisodes } from '../support/fixtures';

const WIDTH = 320;
const HEIGHT = 240;
const EPISODE = 'episode_0.hdf5';

let workbench: Workbench;
let workspace: string;
let cleanupWorkspace: () => Promise<void>;
let preview: Frame;

before(async () => {
  ({ dir: workspace, cleanup: cleanupWorkspace } = await tempDir('cwf-e2e-preview-'));
  await writeEpisodes(workspace, [
    {
      path: `flexiv_1113/${EPISODE}`,
      frames: 150,
      height: HEIGHT,
      width: WIDTH,
      frame_code: true,
      nan_in: { action: [60, 61, 62] },
    },
    { path: 'flexiv_1113/episode_1.hdf5', frames: 40, height: HEIGHT, width: WIDTH, seed: 1 },
    { path: 'flexiv_1113/episode_2.hdf5', frames: 60, height: HEIGHT, width: WIDTH, seed: 2, frame_code: true },
    { path: 'other/keras_model.h5', not_hdf5: true },
  ]);
  workbench = await Workbench.launch({ workspace });
});

after(async () => {
  await workbench?.close();
  await cleanupWorkspace?.();
});

/** Every camera shows a picture, and the pixels of all three say the frame the preview reports. */
async function assertCamerasShow(frame: Frame, index: number): Promise<void> {
  const sample = await sampleCanvases(frame, WIDTH, HEIGHT);
  assert.deepEqual(sample.nonBlank, [true, true, true], 'three camera canvases with a picture');
  assert.deepEqual(sample.codes, [index, index, index], `every camera shows frame ${index}`);
  assert.equal(sample.frame, index);
}

test('an episode opens from the Datasets tree with its three cameras painted at the same frame', async () => {
  await workbench.openCtrlWorld();
  await workbench.expandTreeRow('Datasets', 'flexiv_1113');
  const row = workbench.treeRow('Datasets', 'episode_0');
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  // The row is redrawn when the scan of its dataset completes, which can take the hovered button away.
  preview = await clickUntilOpen(
    async () => {
      await row.hover();
      await row.locator('.action-label[aria-label="Open Episode Preview"]').click({ timeout: 10_000 });
    },
    (timeoutMs) => episodePreviewFrame(workbench.page, EPISODE, timeoutMs),
    [20_000, 20_000, 30_000],
  );
  await waitForCounters(preview, (c) => c.painted >= 1 && c.frame === 0, 30_000);
  assert.equal(await preview.locator('.camera canvas').count(), 3);
  await assertCamerasShow(preview, 0);
  assert.match(
    await preview.locator('.preview-header').innerText(),
    /episode_0\.hdf5[\s\S]*Frame 0 \/ 149[\s\S]*0:00\.00 \/ 0:04\.97/,
  );
  await preview.locator('.markers .marker.error').waitFor({ timeout: 20_000 });
  assert.match(
    (await preview.locator('.markers .marker.error').getAttribute('title')) ?? '',
    /Frames 60–62: action holds NaN/,
  );
  await workbench.screenshot('episode-preview');
});

test('Space plays: the frame counter advances with the cameras in sync, Space again pauses', async () => {
  await focusPreview(preview);
  await workbench.page.keyboard.press('Space');
  const playing = await waitForCounters(preview, (c) => c.frame >= 20, 20_000);
  assert.deepEqual(new Set(playing.cameraFrames).size, 1, 'cameras painted together');
  // The frames came from the extension's frame server through code-server's proxy, not as messages.
  assert.ok(playing.fetchedSets >= 10, `${playing.fetchedSets} frame sets fetched`);
  assert.doesNotMatch(workbench.extensionLog(), /fetching frames .* failed/);
  await workbench.page.keyboard.press('Space');
  const paused = await waitForCounters(preview, (c) => !c.playing);
  await workbench.page.waitForTimeout(300);
  assert.equal((await previewCounters(preview)).frame, paused.frame, 'paused: the frame stays');
  await assertCamerasShow(preview, paused.frame);
  await workbench.page.keyboard.press('Shift+ArrowRight');
  await waitForCounters(preview, (c) => c.frame === paused.frame + 10);
  await workbench.page.keyboard.press('ArrowLeft');
  await waitForCounters(preview, (c) => c.frame === paused.frame + 9);
  await workbench.page.keyboard.press('End');
  await waitForCounters(preview, (c) => c.frame === 149);
  await workbench.page.keyboard.press('Home');
  await waitForCounters(preview, (c) => c.frame === 0);
});

test('a click on the qpos chart goes to the frame under the pointer', async () => {
  const chart = preview.locator('.chart-box[data-series="qpos"] canvas');
  await chart.waitFor({ timeout: 20_000 });
  const box = (await chart.boundingBox())!;
  // The plot area spans most of the chart's width; 60% across lands well inside, past the middle of the episode.
  await chart.click({ position: { x: box.width * 0.6, y: box.height / 2 } });
  const moved = await waitForCounters(preview, (c) => c.frame > 40 && c.frame < 149);
  await assertCamerasShow(preview, moved.frame);
  const cursor = preview.locator('.chart-box[data-series="qpos"] .chart-cursor');
  assert.equal(await cursor.isVisible(), true, 'the cursor line marks the frame on the chart');

  // The same values as a table, opened by keyboard: a row per array, a number per dimension, at the playhead.
  await preview.locator('.values-table summary').focus();
  await workbench.page.keyboard.press('Enter');
  const table = preview.locator('.values-table table');
  await table.locator('caption', { hasText: `Frame ${moved.frame}` }).waitFor({ timeout: 10_000 });
  const qpos = await table
    .locator('tr', { has: preview.locator('th', { hasText: /^qpos$/ }) })
    .locator('td')
    .allInnerTexts();
  assert.equal(qpos.length, 7);
  for (const value of qpos) assert.match(value, /^-?\d+\.\d{4}$/);
});

test('flagging asks for a reason, writes the sidecar, and the tree and the preview show the flag', async () => {
  await preview.locator('.flag-button').click();
  const input = workbench.page
    .locator('.quick-input-widget input[type="text"], .quick-input-widget .quick-input-box input')
    .first();
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill('wrist camera blocked');
  await input.press('Enter');
  await preview.locator('.flag-badge', { hasText: 'Flagged: wrist camera blocked' }).waitFor({ timeout: 20_000 });
  const sidecar = JSON.parse(await readFile(path.join(workspace, 'flexiv_1113', '.ctrlworld', 'flags.json'), 'utf8'));
  assert.equal(sidecar.episodes[EPISODE].reason, 'wrist camera blocked');
  const deadline = Date.now() + 20_000;
  while (!/flagged/.test(await workbench.treeRow('Datasets', 'episode_0').innerText()) && Date.now() < deadline)
    await workbench.page.waitForTimeout(250);
  assert.match(await workbench.treeRow('Datasets', 'episode_0').innerText(), /flagged/);
  await workbench.screenshot('episode-preview-flagged');
});

test('Save frame as PNG writes the picture beside the episode; Copy frame index says what it copied', async () => {
  const { frame } = await previewCounters(preview);
  await preview.locator('vscode-toolbar-button[label="Save frame as PNG"]').click();
  const input = workbench.page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  // VS Code's own save dialog fills in the folder first, then the proposed name.
  const proposed = new RegExp(`flexiv_1113/episode_0_frame_${frame}\\.png$`);
  const named = Date.now() + 20_000;
  while (!proposed.test(await input.inputValue()) && Date.now() < named) await workbench.page.waitForTimeout(100);
  assert.match(await input.inputValue(), proposed);
  await input.press('Enter');
  const png = path.join(workspace, 'flexiv_1113', `episode_0_frame_${frame}.png`);
  const deadline = Date.now() + 20_000;
  let bytes: Buffer | undefined;
  while (!bytes && Date.now() < deadline)
    bytes =
      (await readFile(png).catch(() => undefined)) ?? (await workbench.page.waitForTimeout(200).then(() => undefined));
  assert.ok(bytes, `${png} was written`);
  assert.deepEqual([...bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(bytes.readUInt32BE(16), WIDTH * 3, 'all three cameras side by side at full resolution');
  await preview.locator('vscode-toolbar-button[label="Copy frame index"]').click();
  await workbench.page.locator('.statusbar', { hasText: `Copied frame index ${frame}` }).waitFor({ timeout: 20_000 });
});

test('a file that is not an episode, opened with the preview editor, says why instead of a blank view', async () => {
  const { frame } = await previewCounters(preview);
  await workbench.page.keyboard.press('Control+P');
  const input = workbench.page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill('keras_model.h5');
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'keras_model.h5' })
    .first()
    .waitFor({ timeout: 20_000 });
  await input.press('Enter');
  await workbench.runCommand('View: Reopen Editor With...');
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Ctrl-World Episode Preview' })
    .first()
    .click();
  const failed = await episodePreviewFrame(workbench.page, 'keras_model.h5');
  await failed
    .locator('.empty-state-message', { hasText: /keras_model\.h5.*not an HDF5 file/i })
    .waitFor({ timeout: 30_000 });
  assert.equal(await failed.locator('vscode-button', { hasText: 'Show Output' }).count(), 1);
  await workbench.screenshot('episode-preview-not-an-episode');
  const tab = workbench.page.locator('.tabs-container .tab', { hasText: 'keras_model.h5' });
  await tab.hover();
  await tab.locator('.tab-actions .action-label').click();
  // The preview was hidden behind that editor, which discards its webview: shown again, it is back where it was.
  preview = await episodePreviewFrame(workbench.page, EPISODE);
  await waitForCounters(preview, (c) => c.painted >= 1, 30_000);
  await assertCamerasShow(preview, frame);
});

test('after a window reload the preview is back at the same frame', async () => {
  await focusPreview(preview);
  await workbench.page.keyboard.press('Home');
  for (let i = 0; i < 4; i++) await workbench.page.keyboard.press('Shift+ArrowRight');
  await workbench.page.keyboard.press('ArrowRight');
  await waitForCounters(preview, (c) => c.frame === 41);
  await workbench.page.waitForTimeout(1000); // the webview saves its state
  await workbench.reload();
  preview = await episodePreviewFrame(workbench.page, EPISODE, 60_000);
  await waitForCounters(preview, (c) => c.painted >= 1, 30_000);
  await assertCamerasShow(preview, 41);
  await preview.locator('.flag-badge', { hasText: 'wrist camera blocked' }).waitFor({ timeout: 20_000 });
});

/** Opens an episode from its Datasets row and returns its preview once a frame is painted. */
async function openFromTree(name: string): Promise<Frame> {
  const row = workbench.treeRow('Datasets', name.replace(/\.hdf5$/, ''));
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const opened = await clickUntilOpen(
    async () => {
      await row.hover();
      await row.locator('.action-label[aria-label="Open Episode Preview"]').click({ timeout: 10_000 });
    },
    (timeoutMs) => episodePreviewFrame(workbench.page, name, timeoutMs),
    [20_000, 30_000],
  );
  await waitForCounters(opened, (c) => c.painted >= 1, 30_000);
  return opened;
}

/** The labels of the editor tabs that show an episode. */
async function previewTabs(): Promise<string[]> {
  const labels = await workbench.page.locator('.tabs-container .tab .label-name').allInnerTexts();
  return labels.map((label) => label.trim()).filter((label) => /^episode_\d\.hdf5$/.test(label));
}

test('another episode opens in the same preview; kept open, the preview stays and the next gets its own', async () => {
  assert.deepEqual(await previewTabs(), [EPISODE]);
  preview = await openFromTree('episode_2.hdf5');
  await assertCamerasShow(preview, 0);
  assert.match(await preview.locator('.preview-header').innerText(), /episode_2\.hdf5[\s\S]*Frame 0 \/ 59/);
  assert.deepEqual(await previewTabs(), ['episode_2.hdf5'], 'one preview, now of episode_2');
  const switched = /first frame of episode_2\.hdf5 on screen (\d+) ms after the command/.exec(workbench.extensionLog());
  assert.ok(switched, 'the switch is timed in the log');
  console.log(`switching episodes in the open preview: first frame after ${switched[1]} ms`);

  await focusPreview(preview);
  await workbench.runCommand('Ctrl-World: Keep Episode Preview Open');
  await workbench.page
    .locator('.editor-actions .action-label[aria-label="Let Another Episode Replace This Preview"]')
    .waitFor({ timeout: 10_000 });
  preview = await openFromTree(EPISODE);
  assert.deepEqual((await previewTabs()).sort(), [EPISODE, 'episode_2.hdf5']);
});
