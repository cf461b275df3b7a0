// W&B from a run: Open in WandB (the run's page from its log), and Sync Run to WandB for a run logged offline
// (`wandb sync` on the host, with the stored key on stdin).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { describeError } from '../../core/errors';
import {
  syncWandbRun,
  wandbRunOnHost,
  type WandbSyncResult,
  type WandbSyncTarget,
} from '../../core/training/wandbLines';
import { hostLabelFor } from '../../training/hosts';
import type { TrainingServices } from '../../training/services';
import { resolveRun, type RunArgument } from './runCommands';

async function wandbOf(services: TrainingServices, argument: RunArgument, purpose: string) {
  const run = await resolveRun(services, argument, () => true, purpose);
  if (!run) return undefined;
  const registry = await services.hosts.registry(run.host);
  const found = await wandbRunOnHost(registry.host, run.summary.record.logFile);
  return { run, registry, found };
}

export async function openInWandb(services: TrainingServices, argument: RunArgument): Promise<void> {
  try {
    const looked = await wandbOf(services, argument, 'open in W&B');
    if (!looked) return;
    const { run, found } = looked;
    if (found?.url) {
      await vscode.env.openExternal(vscode.Uri.parse(found.url));
      return;
    }
    const name = run.summary.record.name;
    if (found?.mode === 'offline') {
      const choice = await vscode.window.showInformationMessage(
        `Ctrl-World: ${name} logs to W&B offline${found.dir ? ` (${found.dir})` : ''}: it has no page until it is synced.`,
        'Sync Run to WandB',
      );
      if (choice) await syncRunToWandb(services, { host: run.host, runId: run.summary.record.runId });
      return;
    }
    void vscode.window.showInformationMessage(
      `Ctrl-World: ${name}'s log names no W&B run yet; W&B prints its page when the trainer starts its tracker.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
  }
}

export async function syncRunToWandb(services: TrainingServices, argument: RunArgument): Promise<void> {
  try {
    const looked = await wandbOf(services, argument, 'sync to W&B');
    if (!looked) return;
    const { run, registry, found } = looked;
    const record = run.summary.record;
    // A run launched offline whose log names no folder yet (or never will: a stopped run) is still synced: its folder
    // is found on the host by the W&B id it was launched with.
    if (found?.mode !== 'offline' && record.wandb !== 'offline') {
      void vscode.window.showInformationMessage(
        found?.url
          ? `Ctrl-World: ${record.name} logs to W&B online: nothing to sync.`
          : `Ctrl-World: ${record.name}'s log names no offline W&B run folder to sync.`,
      );
      return;
    }
    const key = (await services.hosts.wandbKey()) ?? (await askForKey(services));
    if (!key) return;
    const target: WandbSyncTarget = found?.dir
      ? { dir: path.posix.isAbsolute(found.dir) ? found.dir : path.posix.join(record.workdir, found.dir) }
      : { workdir: record.workdir, wandbId: record.runId };
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Syncing ${record.name} to W&B on ${hostLabelFor(run.host)}…`,
        cancellable: true,
      },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return syncWandbRun(registry, target, key, services.settings.remoteEnvSetup, controller.signal);
      },
    );
    if (result.code !== 0) {
      void vscode.window.showErrorMessage(
        `Ctrl-World: wandb sync failed (exit status ${result.code}): ${result.tail.slice(-2).join(' ')}`,
      );
      return;
    }
    showSynced(record.name, result);
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
  }
}

/** The key for a sync when none is stored: the user sets one (Set WandB API Key) and the sync goes on with it. */
async function askForKey(services: TrainingServices): Promise<string | undefined> {
  const choice = await vscode.window.showWarningMessage(
    'Ctrl-World: no WandB API key is stored: set one to sync.',
    'Set WandB API Key',
  );
  if (!choice) return undefined;
  await vscode.commands.executeCommand('ctrlWorld.setWandbKey');
  return services.hosts.wandbKey();
}

function showSynced(name: string, result: WandbSyncResult): void {
  const { url } = result;
  if (!url) {
    void vscode.window.showInformationMessage(`Ctrl-World: ${name} (${result.dir}) is synced to W&B.`);
    return;
  }
  void vscode.window
    .showInformationMessage(`Ctrl-World: ${name} is synced to W&B: ${url}`, 'Open in WandB')
    .then((choice) => {
      if (choice) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
}
