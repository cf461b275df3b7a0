// The Run dashboard and the Sample Preview in a real VS Code (code-server) while the stand-in trainer runs on the
// real sshd host: a new validation video replaces the one in the sidebar, the dashboard draws the loss from the
// log, lists checkpoints and plays samples from the local cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { launchRun, type LaunchResult } from '../../src/core/training/launch';
import { clickUntilOpen, type Workbench } from './support/workbench';
import { acceptWhenListed, launchTrainingWorkbench, type TrainingWorkbench } from './support/trainingWorkbench';
import { launchRequest, waitFor, type TrainingHost } from '../support/trainingHost';

let training: TrainingHost;
let workbench: Workbench;
let session: TrainingWorkbench;
let run: LaunchResult;

before(async () => {
  session = await launchTrainingWorkbench(
    {
      gpus: 2,
      steps: 3600,
      checkpointSteps: 400,
      validationSteps: 600,
      stepSeconds: 0.05,
      // Videos of 2 samples x 3 views of 80x48 tiles (480x96): cheap to write and fetch.
      tile: { width: 80, height: 48 },
    },
    {
      'ctrlWorld.ssh.defaultHost': 'flexiv-gpu',
      'ctrlWorld.dashboard.refreshIntervalSeconds': 2,
      'ctrlWorld.dashboard.gpuSampleSeconds': 2,
      'ctrlWorld.dashboard.logPollSeconds': 1,
      'ctrlWorld.runs.refreshIntervalSeconds': 3,
    },
  );
  ({ training, workbench } = session);
  run = await launchRun(training.registry, await launchRequest(training, 'flexiv_finetune', { totalSteps: 3600 }));
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

function previewStep(frame: Frame): Promise<number | undefined> {
  return frame
    .locator('.preview-step')
    .innerText({ timeout: 1000 })
    .then(
      (text) => Number(text.replace(/\D/g, '')),
      () => undefined,
    );
}

test("the Sample Preview shows the selected run's newest validation video and moves on when a new one lands", async () => {
  await workbench.openCtrlWorld();
  const runRow = workbench.viewPane('Runs').locator('.monaco-list-row', { hasText: 'flexiv_finetune' }).first();
  await runRow.waitFor({ timeout: 90_000 });
  await runRow.click();
  // Room for the preview and the dashboard in the pictures: no Datasets view, no log panel.
  await workbench.collapseViewPane('Datasets');
  await workbench.runCommand('View: Hide Panel');
  const preview = await webviewFrame('.preview-step, .empty-state strong', 60_000);
  const first = await waitFor('a first validation video', async () => previewStep(preview), 120_000, 500);
  await waitFor(
    'the video to play',
    async () =>
      (await preview
        .locator('video')
        .evaluate((v) => (v as HTMLVideoElement).readyState >= 2 && !(v as HTMLVideoElement).paused))
        ? true
        : undefined,
    30_000,
    300,
  );
  const next = await waitFor(
    'a newer validation video',
    async () => {
      const step = await previewStep(preview);
      return step !== undefined && step > first ? step : undefined;
    },
    120_000,
    500,
  );
  assert.equal(next % 600, 0);
  await preview
    .locator('video')
    .evaluate(
      (v) =>
        new Promise((resolve) =>
          (v as HTMLVideoElement).readyState >= 2
            ? resolve(true)
            : v.addEventListener('loadeddata', resolve, { once: true }),
        ),
    );
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('sample-preview');
});

test('the dashboard opened from the Runs view draws the loss, the GPUs and the checkpoints', async () => {
  const runRow = workbench.viewPane('Runs').locator('.monaco-list-row', { hasText: 'flexiv_finetune' }).first();
  // The Runs view redraws its rows as the run reports progress; a run has one dashboard.
  const dashboard = await clickUntilOpen(
    async () => {
      await runRow.hover();
      await runRow.locator('.action-label[aria-label="Open Run Dashboard"]').click();
    },
    (timeoutMs) => webviewFrame('.metrics-tab', timeoutMs),
    [20_000, 20_000, 60_000],
  );
  await waitFor(
    'loss points on the chart',
    async () => ((await dashboard.locator('.chart-empty').isHidden()) ? true : undefined),
    60_000,
    500,
  );
  const redraws = await dashboard.evaluate(() => performance.getEntriesByName('chart-redraw:train_loss').length);
  assert.ok(redraws > 0);
  await dashboard.locator('.gpu-row').first().waitFor({ timeout: 30_000 });
  assert.equal(await dashboard.locator('.gpu-row:not(.not-in-run)').count(), 2);
  assert.match(await dashboard.locator('.run-header').innerText(), /GPUs[\s\S]*2 \(0, 1\)[\s\S]*Step[\s\S]*\/ 3,600/);
  // The charts grow while the trainer runs: more loss points arrive.
  const before = await dashboard.evaluate(() => performance.getEntriesByName('chart-redraw:train_loss').length);
  await waitFor(
    'a later redraw',
    async () =>
      (await dashboard.evaluate(() => performance.getEntriesByName('chart-redraw:train_loss').length)) > before
        ? true
        : undefined,
    30_000,
    500,
  );
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('run-dashboard');

  await dashboard.locator('vscode-tab-header[data-tab="checkpoints"]').click();
  await dashboard.locator('table.checkpoints tr[data-step="400"]').waitFor({ timeout: 30_000 });
  assert.match(
    await dashboard.locator('table.checkpoints tr[data-step="400"]').innerText(),
    /checkpoint-400\.pt[\s\S]*saved/,
  );
  assert.match(await dashboard.locator('.disk').innerText(), /free: room for [\d,]+ more checkpoint/);
  // A checkpoint being saved (seconds after its save, until it has settled) is marked and offers no action.
  const writing = dashboard.locator('table.checkpoints tr.is-writing');
  await writing.first().waitFor({ timeout: 60_000 });
  assert.match(await writing.first().innerText(), /writing/);
  assert.equal(await writing.first().locator('vscode-button').count(), 0);
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('run-dashboard-checkpoints');

  // The same checkpoints under the run in the Runs view, newest first, with the disk left below them.
  const runs = workbench.viewPane('Runs');
  await runs.locator('.monaco-list-row', { hasText: 'flexiv_finetune' }).first().locator('.monaco-tl-twistie').click();
  await runs.locator('.monaco-list-row', { hasText: 'checkpoint-400.pt' }).waitFor({ timeout: 30_000 });
  await runs.locator('.monaco-list-row', { hasText: /free · room for [\d,]+ more/ }).waitFor({ timeout: 30_000 });
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('runs-checkpoints');
});

test('a click on the Sample Preview opens the gallery, which plays two steps side by side', async () => {
  const preview = await webviewFrame('.preview video');
  await preview.locator('.preview video').click();
  const dashboard = await webviewFrame('.samples-tab');
  await dashboard.locator('vscode-tab-header[data-tab="samples"][active]').waitFor({ timeout: 30_000 });
  await dashboard.locator('.sample-group').nth(1).waitFor({ timeout: 60_000 });
  await waitFor(
    'videos of the newest step',
    async () =>
      (await dashboard.locator('.sample-groups .sample-group').first().locator('video').count()) >= 3
        ? true
        : undefined,
    // Three ffmpeg encodes on the host, then three downloads: minutes on a loaded 2-core machine.
    150_000,
    500,
  );
  await waitFor(
    'the side-by-side pair',
    async () => ((await dashboard.locator('.side-by-side .pair video').count()) === 2 ? true : undefined),
    60_000,
    500,
  );
  await dashboard
    .locator('.side-by-side .pair video')
    .first()
    .evaluate((v) => (v as HTMLVideoElement).play());
  await waitFor(
    'both videos playing in step',
    async () => {
      const times = await dashboard
        .locator('.side-by-side .pair video')
        .evaluateAll((videos) => (videos as HTMLVideoElement[]).map((v) => [v.currentTime, v.paused ? 1 : 0]));
      return times.every(([, paused]) => paused === 0) && Math.abs(times[0][0] - times[1][0]) < 0.3 && times[0][0] > 0
        ? true
        : undefined;
    },
    30_000,
    300,
  );
  await workbench.page.mouse.move(1150, 16);
  await workbench.screenshot('samples-gallery');
  assert.ok(run.runId);
});

test('a run that fails while nobody follows it gives a notification that opens its dashboard', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.05, failAt: 20, failKind: 'oom' });
  const failing = await launchRun(
    training.registry,
    await launchRequest(training, 'flexiv_unwatched', { totalSteps: 3600 }),
  );
  const toast = workbench.notification(/flexiv_unwatched on .* failed at step \d+/);
  await toast.waitFor({ timeout: 90_000 });
  await workbench.screenshot('run-failed-notification');
  await toast.locator('a.monaco-button', { hasText: 'Open Dashboard' }).click();
  await dashboardOf('flexiv_unwatched');
  assert.ok(failing.runId);
});

test('the followed run that fails is told with its error, and its notification opens the dashboard', async () => {
  await training.tree.setTrainer({ stepSeconds: 0.05, failAt: 400, failKind: 'oom' });
  const failing = await launchRun(
    training.registry,
    await launchRequest(training, 'flexiv_followed', { totalSteps: 3600 }),
  );
  // Follow Run offers the runs the Runs view knows: wait for the new one there first.
  await workbench
    .viewPane('Runs')
    .locator('.monaco-list-row', { hasText: 'flexiv_followed' })
    .waitFor({ timeout: 30_000 });
  await workbench.runCommand('Ctrl-World: Follow Run');
  await acceptWhenListed(workbench, 'flexiv_followed', 'flexiv_followed');
  const toast = workbench.notification(/Run flexiv_followed on .* failed\. Training ran out of GPU memory/);
  await toast.waitFor({ timeout: 90_000 });
  assert.equal(await toast.locator('a.monaco-button', { hasText: 'Open Config Editor' }).count(), 1);
  await toast.locator('a.monaco-button', { hasText: 'Open Dashboard' }).click();
  await dashboardOf('flexiv_followed');
  assert.ok(failing.runId);
});

/** Waits for the dashboard of the run `name` (another run's may be open too): a frame whose header names it. */
async function dashboardOf(name: string): Promise<void> {
  await waitFor(
    `the dashboard of ${name}`,
    async () => {
      for (const frame of workbench.page.frames()) {
        const header = frame.locator('.run-header', { hasText: name });
        if (await header.count().catch(() => 0)) return true;
      }
      return undefined;
    },
    60_000,
    300,
  );
}
