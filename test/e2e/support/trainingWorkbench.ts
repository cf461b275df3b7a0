// A real VS Code (code-server) set up against the stand-in GPU host served by the real sshd: the settings that
// point the extension at the host, a short TMPDIR for its SSH sockets, and a close that leaves nothing running.
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CommandRunner, sshHost } from '../../../src/core/remote/runner';
import { tempDir } from '../../support/fixtures';
import type { GpuHostOptions } from '../../support/gpuHost';
import { startTrainingHost, type TrainingHost } from '../../support/trainingHost';
import { Workbench } from './workbench';

export interface TrainingWorkbench {
  readonly training: TrainingHost;
  readonly workbench: Workbench;
  close(): Promise<void>;
}

export async function launchTrainingWorkbench(
  host: GpuHostOptions,
  settings: Record<string, unknown> = {},
): Promise<TrainingWorkbench> {
  const training = await startTrainingHost(host);
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
