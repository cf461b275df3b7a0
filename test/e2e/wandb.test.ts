// W&B from the Runs view in a real VS Code (code-server) against the stand-in GPU host on the real sshd. Both runs
// end as a real Ctrl-World run does, by the supervisor's SIGTERM at max_train_steps (the stand-in trains past it like
// upstream), so wandb prints no exit footer: the online run's page comes from the header, and the offline run's log
// never names its folder. Open in WandB opens the page the log names; Sync Run to WandB asks for the key, passes it
// in the environment and finds the offline folder by the run's W&B id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchRun, type LaunchResult, type WandbChoice } from '../../src/core/training/launch';
import { clickUntilOpen, type Workbench } from './support/workbench';
import { launchTrainingWorkbench, type TrainingWorkbench } from './support/trainingWorkbench';
import { launchRequest, waitFor, type TrainingHost } from '../support/trainingHost';

const STEPS = 40;
/** The key an online run is launched with, and the one typed into Set WandB API Key for the sync. */
const LAUNCH_KEY = 'wandb-launch-key-0123456789abcdef';
const SYNC_KEY = 'wandb-sync-key-fedcba9876543210';

let training: TrainingHost;
let workbench: Workbench;
let session: TrainingWorkbench;
let online: LaunchResult;
let offline: LaunchResult;

before(async () => {
  session = await launchTrainingWorkbench(
    { gpus: 2, steps: STEPS, checkpointSteps: 1000, validationSteps: 1000, stepSeconds: 0.05 },
    // Both runs have ended when the Runs view first lists them: a slow refresh keeps their rows (and a context menu
    // opened on one) from being redrawn under the mouse.
    { 'ctrlWorld.ssh.defaultHost': 'flexiv-gpu', 'ctrlWorld.runs.refreshIntervalSeconds': 120 },
  );
  ({ training, workbench } = session);
  await training.tree.setTrainer({ stepSeconds: 0.05, pastTotal: 100_000 });
  // The upload takes a few seconds, as a real one does, so its progress can be seen.
  await writeFile(path.join(training.tree.bin, 'fake-wandb.json'), JSON.stringify({ sync_seconds: 5 }));
  const launch = async (name: string, wandb: WandbChoice) =>
    launchRun(training.registry, await launchRequest(training, name, { totalSteps: STEPS, wandb }));
  online = await launch('flexiv_online', { mode: 'online', apiKey: LAUNCH_KEY });
  offline = await launch('flexiv_offline', { mode: 'offline' });
  for (const run of [online, offline])
    await waitFor(
      `${run.runId} to end at max_train_steps`,
      async () => ((await training.registry.get(run.runId)).record.state === 'finished' ? true : undefined),
      90_000,
      500,
    );
});

after(async () => {
  await session?.close();
});

/** The run's row in the Runs view. */
function runRow(name: string) {
  return workbench.treeRow('Runs', name);
}

/** Right-clicks the run's row until its context menu shows (rows are redrawn as the view refreshes). */
async function contextMenuOf(name: string) {
  const menu = workbench.page.locator('.context-view .monaco-menu');
  await runRow(name).waitFor({ timeout: 90_000 });
  return clickUntilOpen(
    () => runRow(name).click({ button: 'right' }),
    async (timeoutMs) => {
      await menu.waitFor({ timeout: timeoutMs });
      return menu;
    },
    [5_000, 5_000, 20_000],
  );
}

/** The environments of this machine's (the host's) processes with `text` on their command line, which anyone sees. */
async function processesWith(text: string): Promise<Buffer[]> {
  const found: Buffer[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    try {
      if ((await readFile(`/proc/${pid}/cmdline`)).includes(Buffer.from(text)))
        found.push(await readFile(`/proc/${pid}/environ`));
    } catch {
      // Gone, or not ours.
    }
  }
  return found;
}

/**
 * What a user sees when the extension opens an external page: code-server asks first ("Do you want code-server to
 * open the external website?"); Open then shows the page in a new tab, whose address is checked. (The dialog's own
 * line with the address can still show the one asked about before it in the same window; the tab is what opens.)
 * wandb.ai is answered by a stand-in page: the test machine is offline.
 */
async function expectExternalPage(url: string): Promise<Page> {
  const dialog = workbench.page.locator('.monaco-dialog-box', { hasText: 'open the external website' });
  // The command reads the run's log on the host over SSH first: seconds on a busy machine.
  try {
    await dialog.waitFor({ timeout: 60_000 });
  } catch (error) {
    console.log(`${await workbench.whatIsOnScreen()}\n${workbench.extensionLog()}`);
    throw error;
  }
  assert.match(
    await dialog.innerText(),
    /Do you want code-server to open the external website\?\nhttps:\/\/wandb\.ai\//,
  );
  const opened = workbench.page.context().waitForEvent('page', { timeout: 30_000 });
  await dialog.locator('.monaco-button', { hasText: /^Open$/ }).click();
  const page = await opened;
  await page.waitForURL(url, { timeout: 30_000 });
  return page;
}

test('Open in WandB on an online run: in its context menu, it opens the run page its log names', async () => {
  const log = await readFile((await training.registry.get(online.runId)).record.logFile, 'utf8');
  const url = /wandb: 🚀 View run at (https:\/\/wandb\.ai\/lab\/ctrl_world_flexiv\/runs\/[a-z0-9]+)\n/.exec(log)?.[1];
  assert.ok(url, 'the online run logged its page');
  await workbench.page
    .context()
    .route('https://wandb.ai/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>W&B run</title>stand-in W&B page' }),
    );
  await workbench.openCtrlWorld();
  await workbench.collapseViewPane('Datasets');
  const menu = await contextMenuOf('flexiv_online');
  const item = menu.locator('.action-item', { hasText: 'Open in WandB' });
  await item.waitFor({ timeout: 10_000 });
  assert.equal(await menu.locator('.action-item', { hasText: 'Sync Run to WandB' }).count(), 1);
  // A click that lands while the menu is still being laid out is lost on a busy machine: click until it closes.
  await clickUntilOpen(
    () => item.click({ timeout: 5_000 }),
    (timeoutMs) => menu.waitFor({ state: 'hidden', timeout: timeoutMs }),
    [3_000, 3_000, 10_000],
  );
  const page = await expectExternalPage(url);
  assert.equal(page.url(), url);
  await page.close();
});

test('Sync Run to WandB, an offline run its log names no folder of: the key asked, hidden, in the env', async () => {
  const log = await readFile((await training.registry.get(offline.runId)).record.logFile, 'utf8');
  assert.match(log, /wandb: W&B syncing is set to `offline` in this directory\./);
  assert.doesNotMatch(log, /wandb sync /);
  const folders = (await readdir(path.join(training.tree.checkout, 'wandb'))).filter((name) =>
    name.endsWith(`-${offline.runId}`),
  );
  assert.equal(folders.length, 1);
  const folder = path.join(training.tree.checkout, 'wandb', folders[0]);
  const url = `https://wandb.ai/lab/ctrl_world_flexiv/runs/${offline.runId}`;

  await workbench.runCommand('Ctrl-World: Sync Run to WandB');
  const quickInput = workbench.page.locator('.quick-input-widget');
  const box = quickInput.locator('input').first();
  await box.fill('flexiv_offline');
  await quickInput.locator('.monaco-list-row', { hasText: 'flexiv_offline' }).waitFor({ timeout: 30_000 });
  await box.press('Enter');

  const noKey = workbench.notification(/no WandB API key is stored: set one to sync/);
  await noKey.waitFor({ timeout: 60_000 });
  await noKey.locator('a.monaco-button', { hasText: 'Set WandB API Key' }).click();
  await quickInput.locator('.quick-input-title', { hasText: 'WandB API key' }).waitFor({ timeout: 30_000 });
  assert.equal(await box.getAttribute('type'), 'password');
  await box.fill(SYNC_KEY);
  await box.press('Enter');

  await workbench.notification(/Syncing flexiv_offline to W&B on .*…/).waitFor({ timeout: 60_000 });
  // While it uploads: the key is in wandb's environment, and on no command line of the machine.
  const [wandb] = await waitFor(
    'wandb sync on the host',
    async () => {
      const running = await processesWith(`sync\0${folder}`);
      return running.length > 0 ? running : undefined;
    },
    30_000,
    100,
  );
  assert.ok(wandb.includes(Buffer.from(`WANDB_API_KEY=${SYNC_KEY}\0`)));
  assert.deepEqual(await processesWith(SYNC_KEY), []);
  const synced = workbench.notification(`flexiv_offline is synced to W&B: ${url}`);
  await synced.waitFor({ timeout: 60_000 });

  const calls = (await readFile(path.join(training.tree.bin, 'wandb-calls.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
  assert.deepEqual(calls, [
    { argv: ['sync', folder], keySha256: createHash('sha256').update(SYNC_KEY).digest('hex'), keyInArgv: false },
  ]);

  await synced.locator('a.monaco-button', { hasText: 'Open in WandB' }).click();
  const page = await expectExternalPage(url);
  await page.close();
});
