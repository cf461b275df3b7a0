// `npm run demo` as shipped, tried as the README tells a newcomer: the demo dataset, an episode, the config editor,
// then Start Flexiv Training on "This machine" with every default answer, through to a checkpoint, the dashboard,
// a validation video and Stop Run, on the demo's simulated GPU host alone (no settings or PATH of the test's own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { clickUntilOpen, type Workbench } from './support/workbench';
import { startDemo, type Demo } from './support/demo';
import { episodePreviewFrame, waitForCounters } from './support/episodePreview';
import { waitFor } from '../support/trainingHost';

let demo: Demo;
let workbench: Workbench;

before(async () => {
  demo = await startDemo();
  ({ workbench } = demo);
});

after(async () => {
  await demo?.close();
});

/** The run's name: the output folder of the demo's config_flexiv.py, the default answer. */
const RUN_NAME = 'flexiv_finetune';
const runRow = () => workbench.treeRow('Runs', RUN_NAME);
const quickInput = () => workbench.page.locator('.quick-input-widget');
const errorToast = () =>
  workbench.page.locator('.notification-toast', {
    has: workbench.page.locator('.codicon-error'),
  });

/** Waits for a quick-input row and accepts the active one with Enter; an error notification instead fails at once. */
async function acceptDefault(expectedRow: string | RegExp, timeoutMs = 60_000): Promise<void> {
  const row = quickInput().locator('.monaco-list-row', { hasText: expectedRow }).first();
  const outcome = await Promise.race([
    row.waitFor({ timeout: timeoutMs }).then(() => 'listed'),
    errorToast()
      .first()
      .waitFor({ timeout: timeoutMs })
      .then(() => 'error'),
  ]).catch(() => 'timeout');
  if (outcome === 'error') {
    assert.fail(`instead of "${String(expectedRow)}": ${await errorToast().first().innerText()}`);
  }
  if (outcome === 'timeout') {
    const rows = await quickInput()
      .locator('.monaco-list-row')
      .allInnerTexts()
      .catch(() => []);
    assert.fail(`no "${String(expectedRow)}" within ${timeoutMs} ms; the quick input lists ${JSON.stringify(rows)}`);
  }
  await quickInput().locator('input').first().press('Enter');
}

/** Waits for the input box to hold its default value, then accepts it. */
async function acceptDefaultInput(expectedValue: RegExp): Promise<void> {
  const box = quickInput().locator('input').first();
  await waitFor('the input box', async () => (expectedValue.test(await box.inputValue()) ? true : undefined), 30_000);
  await box.press('Enter');
}

/** The innermost frame of a webview whose document holds `selector` (webviews are nested iframes). */
function webviewFrame(selector: string, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    `a webview with ${selector}`,
    async () => {
      for (const frame of workbench.page.frames()) {
        if (
          await frame
            .locator(selector)
            .count()
            .catch(() => 0)
        )
          return frame;
      }
      return undefined;
    },
    timeoutMs,
    300,
  );
}

test('the demo dataset is listed, an episode plays in its preview, the config opens in the config editor', async () => {
  await workbench.openCtrlWorld();
  await workbench.treeRow('Datasets', /flexiv_1113.*episodes/).waitFor({ timeout: 60_000 });
  await workbench.expandTreeRow('Datasets', 'flexiv_1113');
  const episode = workbench.treeRow('Datasets', 'episode_0');
  const preview = await clickUntilOpen(
    async () => {
      await episode.hover();
      await episode.locator('.action-label[aria-label="Open Episode Preview"]').click({ timeout: 10_000 });
    },
    (timeoutMs) => episodePreviewFrame(workbench.page, 'episode_0.hdf5', timeoutMs),
    [20_000, 20_000, 30_000],
  );
  await waitForCounters(preview, (counters) => counters.painted >= 1, 30_000);

  await workbench.runCommand('Ctrl-World: Open Training Config');
  const form = await webviewFrame('#field-train_batch_size input');
  assert.equal(await form.locator('#field-train_batch_size input').inputValue(), '4');
  await workbench.runCommand('View: Close All Editors');
});

test('Start Flexiv Training on This machine with the default answers: a running run with a checkpoint', async () => {
  // The stand-in trains at 0.2 s a step in the demo, for people to watch; the test does not wait that long for its
  // first checkpoint (step 500) and validation video (step 1000).
  await writeFile(path.join(demo.gpuHost, 'Ctrl-World', 'fake_trainer.json'), JSON.stringify({ step_seconds: 0.04 }));
  await workbench.openCtrlWorld();
  await workbench.runCommand('Ctrl-World: Start Flexiv Training');
  await acceptDefault('This machine');
  await acceptDefaultInput(/Ctrl-World$/);
  await acceptDefault('config_flexiv.py');
  await acceptDefault('GPU 1');
  await acceptDefaultInput(/\S/);
  await acceptDefault('Offline');
  await acceptDefault('Start training', 120_000);

  await runRow()
    .locator('.label-description', { hasText: /running/ })
    .waitFor({ timeout: 90_000 });
  await workbench.expandTreeRow('Runs', RUN_NAME);
  await workbench.treeRow('Runs', /checkpoint-\d+\.pt/).waitFor({ timeout: 90_000 });
});

test("the dashboard shows the host's two GPUs, the Sample Preview a validation video, Stop Run ends it", async () => {
  const dashboard = await clickUntilOpen(
    async () => {
      await runRow().hover();
      await runRow().locator('.action-label[aria-label="Open Run Dashboard"]').click();
    },
    (timeoutMs) => webviewFrame('.metrics-tab', timeoutMs),
    [20_000, 20_000, 60_000],
  );
  const gpusOfRun = dashboard.locator('.gpu-row:not(.not-in-run)');
  await waitFor('two GPUs of the run', async () => ((await gpusOfRun.count()) === 2 ? true : undefined), 60_000, 500);

  await runRow().click();
  const preview = await webviewFrame('.preview-step', 120_000);
  await preview.locator('video').waitFor({ timeout: 30_000 });

  await workbench.runCommand('Ctrl-World: Stop Run');
  await acceptDefault(/This machine · running/);
  await workbench.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Stop Run' }).click({ timeout: 30_000 });
  await workbench.told(/no process of it is left/, 90_000);
  await runRow()
    .locator('.label-description', { hasText: /stopped/ })
    .waitFor({ timeout: 60_000 });
});
