// Conversion in a real VS Code: "Convert Dataset" from the command palette on the demo dataset (defaults taken with
// Enter), the summary, the files on disk, the Converted section of the Datasets view, the Problems panel, an
// episode's state curves, and a copy of the dataset on a GPU host (a real sshd) checked there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { clickUntilOpen, Workbench } from './support/workbench';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir } from '../support/fixtures';
import { startSshd, type TestSshHost } from '../support/sshd';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';

let workbench: Workbench;
let workspace: string;
let cleanup: () => Promise<void>;
let sshd: TestSshHost;
let socketsTmp: string;

before(async () => {
  // A short TMPDIR, as a user's would be: it holds the SSH control sockets, whose paths are length-limited.
  socketsTmp = await mkdtemp('/tmp/cwf-');
  // The GPU host's nvidia-smi is the stand-in's (two free GPUs); its python3 has no torch.
  const bin = path.join(socketsTmp, 'host-bin');
  await cp(path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'bin'), bin, { recursive: true });
  await writeFile(
    path.join(bin, 'fake-gpus.json'),
    JSON.stringify({ count: 2, name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, busy: [] }),
  );
  sshd = await startSshd({ pathPrefix: [bin] });
  ({ dir: workspace, cleanup } = await tempDir('cwf-e2e-convert-'));
  // The workspace is a Ctrl-World checkout: its config names where train_wm reads the converted data.
  await copyFile(
    path.join(REPO_ROOT, 'test', 'fixtures', 'configs', 'config_flexiv.py'),
    path.join(workspace, 'config_flexiv.py'),
  );
  await runProcess(SYSTEM_PYTHON, [
    path.join(REPO_ROOT, 'test', 'fixtures', 'flexiv_episodes.py'),
    '--demo',
    path.join(workspace, 'datasets'),
  ]);
  workbench = await Workbench.launch({
    workspace,
    env: { TMPDIR: socketsTmp },
    settings: {
      'ctrlWorld.datasetFolders': ['datasets'],
      'ctrlWorld.ssh.configFile': sshd.configFile,
      'ctrlWorld.remote.registryFolder': path.join(sshd.dir, 'registry'),
    },
  });
});

after(async () => {
  await workbench?.close();
  if (sshd) {
    await new CommandRunner({
      sshConfigFile: sshd.configFile,
      controlDir: path.join(socketsTmp, `cwf-ssh-${process.getuid?.() ?? 0}`),
    }).disconnect(sshHost(sshd.alias));
    await sshd.stop();
  }
  await rm(socketsTmp, { recursive: true, force: true });
  await cleanup?.();
});

async function frameWithTitle(page: Page, title: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        (await frame.evaluate(() => document.title).catch(() => null)) === title &&
        (await frame.locator('#app').count()) > 0
      )
        return frame;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview titled "${title}" appeared`);
}

/** Accepts the default of the quick input whose title contains `title`, or types `value` first. */
async function acceptDefault(title: string, value?: string): Promise<void> {
  const widget = workbench.page.locator('.quick-input-widget', {
    has: workbench.page.locator('.quick-input-title', { hasText: title }),
  });
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  await workbench.page.waitForTimeout(150);
  if (value !== undefined) await widget.locator('input').first().fill(value);
  await widget.locator('input').first().press('Enter');
}

test('"Convert Dataset" from the palette converts the demo dataset\'s metadata with the defaults', async () => {
  await workbench.openCtrlWorld();
  await workbench.collapseViewPane('Runs');
  await workbench.collapseViewPane('Sample Preview');
  await workbench.resizeSideBar(520);
  await workbench.treeRow('Datasets', /flexiv_1113/).waitFor({ timeout: 60_000 });

  await workbench.runCommand('Ctrl-World: Convert Dataset');
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: '9 episodes' })
    .waitFor({ timeout: 30_000 });
  await acceptDefault('episodes to convert');
  // JPEG cameras: no channel-order step (8/8).
  for (const step of ['(1/8)', '(2/8)', '(3/8)', '(4/8)', '(5/8)', '(6/8)', '(7/8)']) await acceptDefault(step);

  const summary = workbench.notification(
    /Converted flexiv_1113: 6 episodes \(5 train, 1 val\), 165 frames, \d+ samples; 3 skipped/,
  );
  await summary.waitFor({ timeout: 60_000 });
  assert.match(await summary.innerText(), /episode_6\.hdf5: tcp_pose has NaN or Inf values/);

  const meta = path.join(workspace, 'dataset_example', 'flexiv_data_meta_info', 'flexiv_1113');
  assert.deepEqual((await readdir(meta)).sort(), ['stat.json', 'train_sample.json', 'val_sample.json']);
  const stat = JSON.parse(await readFile(path.join(meta, 'stat.json'), 'utf8')) as {
    state_01: number[];
    state_99: number[];
  };
  assert.equal(stat.state_01.length, 7);
  const annotations = path.join(workspace, 'dataset_example', 'flexiv_data', 'flexiv_1113', 'annotation');
  assert.equal(
    (await readdir(path.join(annotations, 'train'))).length + (await readdir(path.join(annotations, 'val'))).length,
    6,
  );
  await workbench.dismissNotifications();
});

test('the Converted section shows the dataset, its meta files, episodes and the missing latents in Problems', async () => {
  // Fold the episode folder's dataset so the converted one has the view's room.
  const episodesRow = workbench.treeRow('Datasets', /flexiv_1113.*9 episodes/);
  if ((await episodesRow.getAttribute('aria-expanded')) === 'true')
    await episodesRow.locator('.monaco-tl-twistie').click();
  await workbench.expandTreeRow('Datasets', /^\s*Converted/);
  const row = workbench.treeRow('Datasets', /flexiv_1113.*5 train · 1 val · 165 frames · latents 0\/18/);
  await row.waitFor({ timeout: 30_000 });
  await workbench.expandTreeRow('Datasets', /flexiv_1113.*latents 0\/18/);
  await workbench.treeRow('Datasets', /stat\.json/).waitFor();
  assert.match(await workbench.treeRow('Datasets', /val_sample\.json/).innerText(), /\d+ samples/);
  await workbench.expandTreeRow('Datasets', /train\s*5 episodes/);
  await workbench.treeRow('Datasets', /episode 0[\s\S]*latents 0\/3 · episode_0\.hdf5/).waitFor();

  const problems = await workbench.problemsPanel();
  await problems
    .locator('.monaco-list-row', { hasText: 'None of the 18 latent files exist yet' })
    .waitFor({ timeout: 30_000 });
});

test("an episode opens its state curves against stat.json's range", async () => {
  // The Converted section redraws when the check re-runs; an episode has one panel.
  const row = workbench.treeRow('Datasets', /episode 0[\s\S]*latents 0\/3 · episode_0\.hdf5/);
  const frame = await clickUntilOpen(
    () => row.click(),
    (timeoutMs) => frameWithTitle(workbench.page, 'Converted Episode', timeoutMs),
    [15_000, 15_000, 30_000],
  );
  await frame.locator('figure.chart-box canvas').first().waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('figure.chart-box').count(), 7);
  assert.match(
    await frame.locator('header').innerText(),
    /Episode 0[\s\S]*pick up the red block[\s\S]*episode_0\.hdf5, 30 Hz, stride 6/,
  );
  assert.match(await frame.locator('.summary').innerText(), /15 video frames; 7 samples start at frames 0–6/);
  await workbench.screenshot('converted-dataset');
});

test('a copy of the dataset on a GPU host is added from the palette, checked there, and opens its state curves', async () => {
  // The host's copy lacks one training episode, so that its node and problems differ from the local one's.
  const onHost = path.join(sshd.dir, 'gpu-host', 'dataset_example');
  await cp(path.join(workspace, 'dataset_example'), onHost, { recursive: true });
  await rm(path.join(onHost, 'flexiv_data', 'flexiv_1113', 'annotation', 'train', '0.json'));
  const localRow = workbench.treeRow('Datasets', /flexiv_1113.*5 train · 1 val/);
  if ((await localRow.getAttribute('aria-expanded')) === 'true') await localRow.locator('.monaco-tl-twistie').click();

  await workbench.runCommand('Ctrl-World: Check Converted Data on GPU Host');
  await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: sshd.alias }).first().click();
  await acceptDefault('(2/4)', path.join(onHost, 'flexiv_data'));
  await acceptDefault('(3/4)');
  await acceptDefault('(4/4)', path.join(onHost, 'flexiv_data_meta_info'));

  const row = workbench.treeRow(
    'Datasets',
    new RegExp(`flexiv_1113.*on ${sshd.alias} · 4 train · 1 val · \\d+ frames · latents 0/15`),
  );
  await row.waitFor({ timeout: 60_000 });
  const problems = await workbench.problemsPanel();
  await problems
    .locator('.monaco-list-row', { hasText: 'names 1 episodes with no train annotation (0)' })
    .waitFor({ timeout: 30_000 });

  await workbench.openCtrlWorld();
  await workbench.expandTreeRow('Datasets', new RegExp(`flexiv_1113.*on ${sshd.alias}`));
  await workbench.expandTreeRow('Datasets', /train\s*4 episodes/);
  const trainOnHost = path.join(onHost, 'flexiv_data', 'flexiv_1113', 'annotation', 'train');
  const id = (await readdir(trainOnHost)).map((file) => Number(path.basename(file, '.json'))).sort((a, b) => a - b)[0]!;
  const source = (
    JSON.parse(await readFile(path.join(trainOnHost, `${id}.json`), 'utf8')) as { source: { file: string } }
  ).source.file;
  const episode = workbench.treeRow(
    'Datasets',
    new RegExp(`episode ${id}[\\s\\S]*latents 0/3 · ${source.replace('.', '\\.')}`),
  );
  // The panel of the local episode is reused: opened means it shows this one.
  const frame = await clickUntilOpen(
    () => episode.click(),
    async (timeoutMs) => {
      const shown = await frameWithTitle(workbench.page, 'Converted Episode', timeoutMs);
      await shown.locator('header', { hasText: `Episode ${id}` }).waitFor({ timeout: timeoutMs });
      return shown;
    },
    [15_000, 15_000, 30_000],
  );
  await frame.locator('figure.chart-box canvas').first().waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('figure.chart-box').count(), 7);
  await workbench.screenshot('converted-dataset-on-host');
});

test('"Encode Latents on GPU Host" asks host, folders and GPUs, uploads, and says what the host lacks', async () => {
  const host = path.join(sshd.dir, 'encode-host');
  await mkdir(path.join(host, 'svd', 'vae'), { recursive: true });
  await workbench.runCommand('Ctrl-World: Encode Latents on GPU Host');
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: /^flexiv_1113/ })
    .first()
    .click();
  await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: sshd.alias }).first().click();
  await acceptDefault('(2/4)', path.join(host, 'flexiv_data'));
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Upload the 6 episodes' })
    .waitFor({ timeout: 30_000 });
  await acceptDefault('(3/4)');
  await acceptDefault('(4/4)', path.join(host, 'svd'));
  await workbench.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'GPU 1: NVIDIA A100-SXM4-80GB' })
    .waitFor({ timeout: 30_000 });
  await acceptDefault('GPUs');
  await workbench.notification(/Encode Latents: .*torch/).waitFor({ timeout: 60_000 });
  const uploaded = path.join(host, 'flexiv_data', 'flexiv_1113', 'annotation');
  assert.equal(
    (await readdir(path.join(uploaded, 'train'))).length + (await readdir(path.join(uploaded, 'val'))).length,
    6,
    'the annotations went up',
  );
  assert.equal(
    (await readdir(path.join(host, 'flexiv_data', 'flexiv_1113_episodes'))).filter((file) => file.endsWith('.hdf5'))
      .length,
    6,
    'so did the episodes',
  );
  await workbench.dismissNotifications();
});
