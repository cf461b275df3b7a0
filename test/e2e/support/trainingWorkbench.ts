// A real VS Code (code-server) set up against the stand-in GPU host served by the real sshd: the settings that
// point the extension at the host, a short TMPDIR for its SSH sockets, a close that leaves nothing running, and the
// keyboard steps through Start Flexiv Training's quick picks.
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CommandRunner, sshHost } from '../../../src/core/remote/runner';
import { tempDir } from '../../support/fixtures';
import type { GpuHostOptions } from '../../support/gpuHost';
import { startTrainingHost, waitFor, type TrainingHost } from '../../support/trainingHost';
import { Workbench } from './workbench';

export interface TrainingWorkbench {
  readonly training: TrainingHost;
  readonly workbench: Workbench;
  close(): Promise<void>;
}

export async function launchTrainingWorkbench(
  host: GpuHostOptions,
  settings: Record<string, unknown> = {},
  remoteEnv: Readonly<Record<string, string>> = {},
): Promise<TrainingWorkbench> {
  const training = await startTrainingHost(host, remoteEnv);
  const workspace = await tempDir('cwf-e2e-ws-');
  // A short TMPDIR, as a user's would be: it holds the SSH control sockets, whose paths are length-limited.
  const socketsTmp = await mkdtemp('/tmp/cwf-');
  const workbench = await Workbench.launch({
    workspace: workspace.dir,
    env: { TMPDIR: socketsTmp },
    settings: {
      'ctrlWorld.ssh.configFile': training.sshd.configFile,
      'ctrlWorld.remote.ctrlWorldFolder': training.tree.checkout,
      'ctrlWorld.remote.registryFolder': training.tree.registryRoot,
      'ctrlWorld.remote.envSetup': training.tree.envSetup,
      'ctrlWorld.runs.refreshIntervalSeconds': 3,
      // The stand-in's checkpoints are tiny; the disk check should not ask for the 8 GB each of the real ones.
      'ctrlWorld.training.checkpointSizeGb': 0.001,
      ...settings,
    },
  });
  return {
    training,
    workbench,
    async close() {
      await workbench.close();
      // The extension's master connection lives in its socket folder under the TMPDIR it was given.
      await new CommandRunner({
        sshConfigFile: training.sshd.configFile,
        controlDir: path.join(socketsTmp, `cwf-ssh-${process.getuid?.() ?? 0}`),
      }).disconnect(sshHost(training.sshd.alias));
      await training.stop();
      await workspace.cleanup();
      await rm(socketsTmp, { recursive: true, force: true });
    },
  };
}

export const quickInput = (workbench: Workbench) => workbench.page.locator('.quick-input-widget');
export const quickInputBox = (workbench: Workbench) => quickInput(workbench).locator('input').first();

/** Types into the quick pick (when given), waits for a row with the text, then takes the active row with Enter. */
export async function acceptWhenListed(workbench: Workbench, text: string | RegExp, typed?: string): Promise<void> {
  if (typed !== undefined) await quickInputBox(workbench).fill(typed);
  try {
    await quickInput(workbench).locator('.monaco-list-row', { hasText: text }).first().waitFor({ timeout: 60_000 });
  } catch (error) {
    // The extension's log says why a step never came (an SSH error, a failed query).
    console.log(workbench.extensionLog());
    throw error;
  }
  await quickInputBox(workbench).press('Enter');
}

/** Waits for the input box to offer the expected value (under the expected prompt, when given), then accepts it. */
export async function acceptInput(workbench: Workbench, expectedValue: RegExp, prompt?: RegExp): Promise<void> {
  const message = quickInput(workbench).locator('.quick-input-message');
  await waitFor(
    'the input box',
    async () =>
      expectedValue.test(await quickInputBox(workbench).inputValue()) &&
      (!prompt || prompt.test(await message.innerText({ timeout: 1000 }).catch(() => '')))
        ? true
        : undefined,
    30_000,
  );
  await quickInputBox(workbench).press('Enter');
}

/** Start Flexiv Training from the palette through the first steps: the test host, its checkout and its config. */
export async function startTrainingUpToConfig(session: TrainingWorkbench): Promise<void> {
  const { workbench, training } = session;
  await workbench.runCommand('Ctrl-World: Start Flexiv Training');
  await acceptWhenListed(workbench, training.sshd.alias, training.sshd.alias);
  await acceptInput(workbench, /Ctrl-World$/);
  await acceptWhenListed(workbench, 'config_flexiv.py');
}
