// The dashboard's Quality tab in a real VS Code (code-server) on a run of the stand-in trainer over the real sshd
// host, whose validation videos (upstream's layout, written by ffmpeg) improve with the step: the charts show it, a
// point opens its step's videos with the worst tile outlined, the checkpoints mark the best one (in the dashboard and
// in the Runs view), and a compared run's quality is overlaid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { launchRun } from '../../src/core/training/launch';
import { clickUntilOpen, type Workbench } from './support/workbench';
import { launchTrainingWorkbench, type TrainingWorkbench } from './support/trainingWorkbench';
import { launchRequest, waitFor } from '../support/trainingHost';
import { setConfigValue } from '../../src/core/config';

let workbench: Workbench;
let session: TrainingWorkbench;

before(async () => {
  session = await launchTrainingWorkbench(
    {
      gpus: 2,
      steps: 1200,
      checkpointSteps: 300,
      validationSteps: 200,
      stepSeconds: 0.02,
      // 2 samples x 3 views of 80x48 tiles: 480x96 videos, cheap to write, fetch and measure.
      tile: { width: 80, height: 48 },
    },
    {
      'ctrlWorld.ssh.defaultHost': 'flexiv-gpu',
      'ctrlWorld.dashboard.refreshIntervalSeconds': 2,
      'ctrlWorld.dashboard.logPollSeconds': 1,
      'ctrlWorld.runs.refreshIntervalSeconds': 3,
    },
  );
  workbench = session.workbench;
  const { training } = session;
  await launchRun(training.registry, await launchRequest(training, 'flexiv_quality', { totalSteps: 1200 }));
  // The run to compare with, trained meanwhile: three validations (200, 400, 600), its best checkpoint 600. Its own
  // config ends it at 600, as a user's would (the trainer counts to the config's max_train_steps).
  const compare = await launchRequest(training, 'flexiv_compare');
  await launchRun(training.registry, {
    ...compare,
    configText: setConfigValue(compare.configText, 'max_train_steps', 600),
    totalSteps: 600,
  });
});

after(async () => {
  await session?.close();
});

/** The innermost frame of a webview whose document holds `selector` (webviews are nested iframes). */
async function webviewFrame(selector: string, timeoutMs = 60_000): Promise<Frame> {
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

test("the Quality tab charts quality rising with the step; a point opens that step's videos, the worst tile outlined", async () => {
  await workbench.openCtrlWorld();
  await workbench.collapseViewPane('Datasets');
  const runRow = workbench.viewPane('Runs').locator('.monaco-list-row', { hasText: 'flexiv_quality' }).first();
  await runRow.waitFor({ timeout: 90_000 });
  const dashboard = await clickUntilOpen(
    async () => {
      await runRow.hover();
      await runRow.locator('.action-label[aria-label="Open Run Dashboard"]').click();
    },
    (timeoutMs) => webviewFrame('.quality-tab', timeoutMs),
    [20_000, 20_000, 60_000],
  );
  await dashboard.locator('vscode-tab-header[data-tab="quality"]').click();
  // Every validation of the run, measured: it ends at 1,200 and validates every 200 steps.
  await dashboard.locator('.run-header .state-badge', { hasText: 'finished' }).waitFor({ timeout: 180_000 });
  const ssimChart = dashboard.locator('.quality-chart', { hasText: 'SSIM per validation step' });
  const points = ssimChart.locator('.chart-point');
  await waitFor(
    'six validation steps measured',
    async () =>
      (await points.count()) === 6 && (await dashboard.locator('.quality-status[data-status="done"]').count()) === 1
        ? true
        : undefined,
    180_000,
    500,
  );
  const labels = await points.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
  assert.deepEqual(
    labels.map((label) => Number(/Step ([\d,]+)/.exec(label)?.[1]?.replace(/,/g, ''))),
    [200, 400, 600, 800, 1000, 1200],
  );
  const ssims = labels.map((label) => Number(/SSIM (\d\.\d+)/.exec(label)?.[1]));
  assert.ok(
    ssims.every((value, i) => i === 0 || value > ssims[i - 1]!),
    `SSIM rises with the step: ${ssims.join(' ')}`,
  );
  // A line per view and the mean, for SSIM and PSNR; the horizon curve of the newest step; what is measured.
  assert.equal(await dashboard.locator('.quality-chart', { hasText: 'PSNR per validation step' }).count(), 1);
  assert.equal(await dashboard.locator('.quality-horizon select').inputValue(), '1200');
  assert.match(
    await dashboard.locator('.quality-method').innerText(),
    /SSIM on luma .*11×11 Gaussian window, σ 1\.5.*Tiles of 80×48.*first 6 frames \(num_history\).*excluded/s,
  );
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('run-dashboard-quality');

  // A click on a point opens the step's videos in the Samples tab, the worst one paused at its frame, outlined.
  await points.first().click();
  await dashboard.locator('vscode-tab-header[data-tab="samples"][active]').waitFor({ timeout: 10_000 });
  const worstOf = async (step: number) => {
    const worst = dashboard.locator(`.sample-group.focused[data-step="${step}"] figure.worst`);
    await worst.locator('.worst-tile').waitFor({ timeout: 60_000 });
    await waitFor(
      `the worst video of step ${step} at its frame`,
      async () =>
        (await worst
          .locator('video')
          .evaluate((v) => (v as HTMLVideoElement).readyState >= 2 && (v as HTMLVideoElement).currentTime > 0))
          ? true
          : undefined,
      30_000,
      300,
    );
    return worst;
  };
  const worst = await worstOf(200);
  assert.match(await worst.locator('.worst-text').innerText(), /Worst tile of step 200: train_steps_200_\d\.mp4/);
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('quality-worst-tile');

  // The keyboard does the same: one tab stop for the points, arrows move between them, Enter opens.
  await dashboard.locator('vscode-tab-header[data-tab="quality"]').click();
  await points.first().focus();
  await workbench.page.keyboard.press('ArrowRight');
  assert.equal(await points.nth(1).evaluate((point) => point === document.activeElement), true);
  await workbench.page.keyboard.press('Enter');
  await worstOf(400);

  // The checkpoints carry the quality of their validation; the newest, standing on the best one, is marked.
  await dashboard.locator('vscode-tab-header[data-tab="checkpoints"]').click();
  const best = dashboard.locator('table.checkpoints tr.is-best');
  await best.waitFor({ timeout: 10_000 });
  assert.equal(await best.count(), 1);
  assert.equal(await best.getAttribute('data-step'), '1200');
  assert.match(await best.innerText(), /SSIM 0\.\d{4} · PSNR [\d.]+ dB\s*best so far/);
  assert.match(
    (await dashboard.locator('table.checkpoints tr[data-step="300"] td.quality').getAttribute('title')) ?? '',
    /Validation at step 200, the nearest before this checkpoint/,
  );
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('run-dashboard-checkpoints-quality');

  // The Runs view shows the same beside each checkpoint, the best starred.
  await workbench.expandTreeRow('Runs', 'flexiv_quality');
  const bestItem = workbench.treeRow('Runs', 'checkpoint-1200.pt');
  await waitFor(
    'the best checkpoint starred in the Runs view',
    async () =>
      /SSIM 0\.\d{4} · best so far/.test(await bestItem.innerText().catch(() => '')) &&
      (await bestItem.locator('.codicon-star-full').count()) === 1
        ? true
        : undefined,
    30_000,
    500,
  );
  const other = workbench.treeRow('Runs', 'checkpoint-300.pt');
  assert.match(await other.innerText(), /SSIM 0\.\d{4}/);
  assert.doesNotMatch(await other.innerText(), /best so far/);
  assert.equal(await other.locator('.codicon-star-full').count(), 0);

  // Another run's quality overlaid on the step charts: picked from the Quality tab, measured through the same cache.
  await dashboard.locator('vscode-tab-header[data-tab="quality"]').click();
  await dashboard.locator('.quality-compare vscode-button', { hasText: 'Compare runs' }).click();
  const pick = workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'flexiv_compare' }).first();
  await pick.waitFor({ timeout: 30_000 });
  await pick.locator('label.quick-input-list-label').click();
  await workbench.page.locator('.quick-input-widget .quick-input-box input').first().press('Enter');
  const chip = dashboard.locator('.quality-compare .chip[data-label^="flexiv_compare"]');
  let chipText = '';
  await waitFor(
    "the compared run's three validations measured",
    async () => {
      chipText = (
        await chip
          .locator('.compare-text')
          .innerText()
          .catch(() => '')
      ).trim();
      return /3 validation steps · best checkpoint 600 \(SSIM 0\.\d{4}\)$/.test(chipText) ? true : undefined;
    },
    120_000,
    500,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; the chip said "${chipText}"`);
  });
  assert.match(await dashboard.locator('.quality-legend').innerText(), /this run, mean\s*flexiv_compare .*, mean/s);
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('run-dashboard-quality-compare');
});
