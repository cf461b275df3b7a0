// "Download Checkpoint": a finished checkpoint-N.pt to a local folder with progress and cancellation; an interrupted
// download resumes from the bytes already copied, and an existing local file is never replaced without asking.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, describeError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { withBackoff } from '../../core/remote/backoff';
import { download } from '../../core/remote/transfer';
import { checkpointDestination, finishedCheckpoint, isFinished } from '../../core/training/outputs';
import type { CheckpointArgument, RunArgument } from '../training/runCommands';
import { resolveRun } from '../training/runCommands';
import { pickOne } from '../../views/quickInput';
import type { MonitoringServices } from '../../training/monitoringServices';

const LAST_FOLDER_KEY = 'ctrlWorld.checkpoints.lastDownloadFolder';

async function chooseCheckpoint(
  services: MonitoringServices,
  argument: RunArgument | CheckpointArgument,
): Promise<CheckpointArgument | undefined> {
  if (argument && 'checkpoint' in argument && 'dir' in argument) return argument as CheckpointArgument;
  const run = await resolveRun(services, argument as RunArgument, () => true, 'download a checkpoint of');
  if (!run) return undefined;
  const { record } = run.summary;
  const files = services.outputs.get({ host: run.host, dir: record.outputDir }, 0).then((listing) => {
    const done = listing.checkpoints.filter(isFinished).reverse();
    if (done.length === 0) throw new Error(`${record.outputDir} holds no finished checkpoint yet.`);
    return done.map((file) => ({
      label: `$(save) ${file.name}`,
      description: `${formatBytes(file.size)} · step ${file.step.toLocaleString('en-US')}`,
      file,
    }));
  });
  const picked = await pickOne(files, { title: `Download a checkpoint of ${record.name}` });
  return (
    picked && {
      host: run.host,
      runId: record.runId,
      dir: record.outputDir,
      checkpoint: { path: picked.file.path, step: picked.file.step },
    }
  );
}

async function chooseFolder(services: MonitoringServices): Promise<string | undefined> {
  const configured = services.settings.checkpointDownloadFolder;
  if (configured) return configured;
  const last = services.context.globalState.get<string>(LAST_FOLDER_KEY);
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Download Here',
    title: 'Folder to download the checkpoint into',
    ...(last ? { defaultUri: vscode.Uri.file(last) } : {}),
  });
  if (!picked?.[0]) return undefined;
  await services.context.globalState.update(LAST_FOLDER_KEY, picked[0].fsPath);
  return picked[0].fsPath;
}

/** Where the file goes; an existing file is replaced only when the user says so, or kept beside a numbered copy. */
async function chooseDestination(file: string): Promise<{ file: string; overwrite: boolean } | undefined> {
  const [folder, name] = [path.dirname(file), path.basename(file)];
  if (!existsSync(file)) return { file, overwrite: false };
  const choice = await vscode.window.showWarningMessage(
    `${name} already exists in ${folder}.`,
    { modal: true, detail: 'Replace it with the checkpoint from the host, or keep both?' },
    'Keep Both',
    'Replace',
  );
  if (choice === 'Replace') return { file, overwrite: true };
  if (choice !== 'Keep Both') return undefined;
  const { name: stem, ext } = path.parse(name);
  for (let n = 2; ; n++) {
    const candidate = path.join(folder, `${stem} (${n})${ext}`);
    if (!existsSync(candidate)) return { file: candidate, overwrite: false };
  }
}

export async function downloadCheckpoint(
  services: MonitoringServices,
  argument: RunArgument | CheckpointArgument,
): Promise<void> {
  const chosen = await chooseCheckpoint(services, argument);
  if (!chosen) return;
  const source = { host: chosen.host, path: chosen.checkpoint.path };
  if (services.downloads.isRunning(source)) {
    void vscode.window.showInformationMessage(`Ctrl-World: ${path.basename(source.path)} is already being downloaded.`);
    return;
  }
  // Checked again now: a file offered a minute ago may have been rewritten since.
  const listing = await services.outputs.get({ host: chosen.host, dir: chosen.dir }, 0);
  const checkpoint = finishedCheckpoint(listing, chosen.checkpoint.step);
  const folder = await chooseFolder(services);
  if (!folder) return;
  const destination = await chooseDestination(checkpointDestination(folder, chosen.dir, checkpoint.name));
  if (!destination) return;
  const registry = await services.hosts.registry(chosen.host);
  const started = Date.now();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${checkpoint.name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        return withBackoff(
          () =>
            download(registry.host, checkpoint.path, destination.file, {
              overwrite: destination.overwrite,
              method: services.settings.transferMethod,
              bandwidthLimitKiBps: services.settings.bandwidthLimitKiBps,
              signal: controller.signal,
              onProgress: (update) => {
                const fraction = update.total > 0 ? update.bytes / update.total : 0;
                services.downloads.report(source, fraction);
                const speed = (update.bytes - update.resumedFrom) / Math.max(0.001, (Date.now() - started) / 1000);
                const resumed = update.resumedFrom > 0 ? ` · resumed at ${formatBytes(update.resumedFrom)}` : '';
                progress.report({
                  increment: (fraction - reported) * 100,
                  message: `${formatBytes(update.bytes)} of ${formatBytes(update.total)} · ${formatBytes(speed)}/s via ${update.method}${resumed}`,
                });
                reported = fraction;
              },
            }),
          {
            signal: controller.signal,
            onRetry: (error, attempt, delayMs) => {
              services.log.warn(
                `Downloading ${checkpoint.path}: ${describeError(error)}; resuming in ${Math.round(delayMs / 1000)} s (try ${attempt + 1}).`,
              );
              progress.report({ message: `connection dropped; resuming in ${Math.round(delayMs / 1000)} s…` });
            },
          },
        );
      },
    );
    services.log.info(
      `Downloaded ${checkpoint.path} from ${registry.host.label} to ${result.path} via ${result.method}${result.resumedFrom ? ` (resumed at ${result.resumedFrom} bytes)` : ''}.`,
    );
    const choice = await vscode.window.showInformationMessage(
      `Ctrl-World: ${checkpoint.name} (${formatBytes(result.total)}) is in ${path.dirname(result.path)}.`,
      'Reveal',
    );
    if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.path));
  } catch (error) {
    if (error instanceof CancelledError) {
      void vscode.window.showInformationMessage(
        `Ctrl-World: the download of ${checkpoint.name} was cancelled. Download it again to the same folder to resume where it stopped.`,
      );
      return;
    }
    services.log.error(`Downloading ${checkpoint.path} failed: ${describeError(error)}`);
    const choice = await vscode.window.showErrorMessage(
      `Ctrl-World: downloading ${checkpoint.name} failed: ${describeError(error)}`,
      'Retry',
    );
    if (choice === 'Retry') await downloadCheckpoint(services, chosen);
  } finally {
    services.downloads.finish(source);
  }
}
