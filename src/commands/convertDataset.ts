// "Convert Dataset": a folder of Flexiv episodes → Ctrl-World annotations, stat.json and sample lists, with a
// progress notification that can be cancelled and a summary at the end; the result appears under Converted.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { CancelledError, describeError } from '../core/errors';
import { findEpisodeFiles } from '../core/dataset';
import { EpisodeFile } from '../core/hdf5';
import {
  convertDataset,
  DEFAULT_CONVERT_OPTIONS,
  OutputNotOursError,
  type ConvertOptions,
  type ConvertSummary,
} from '../core/convert';
import type { Settings } from '../settings';
import { findTrainingConfig, type ConvertedDatasets } from '../views/converted/convertedDatasets';
import { askColorOrder, askName, askOutput, askSize, askSplit, askStates, askStride, askViews } from './convertPrompts';
import type { ArrayInfo } from '../core/hdf5';

interface FirstEpisode {
  readonly cameras: string[];
  /** Cameras stored as raw frames, whose channel order must be known. */
  readonly rawCameras: string[];
  readonly arrays: readonly ArrayInfo[];
  readonly fps: number;
  readonly count: number;
}

export class ConvertDatasetCommand {
  constructor(
    private readonly settings: Settings,
    private readonly converted: ConvertedDatasets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(arg?: unknown): Promise<void> {
    try {
      await this.ask(arg);
    } catch (error) {
      this.log.error(`Convert Dataset: ${describeError(error)}`);
      void vscode.window
        .showErrorMessage(`Convert Dataset: ${describeError(error)}`, 'Show Output')
        .then((choice) => choice && this.log.show(true));
    }
  }

  private async ask(arg?: unknown): Promise<void> {
    const input = datasetFolderOf(arg) ?? (await this.pickFolder());
    if (!input) return;
    const first = await firstEpisode(input);
    if (!first) {
      void vscode.window.showWarningMessage(`No HDF5 episodes (*.hdf5, *.h5) were found in ${input}.`);
      return;
    }
    const config = await findTrainingConfig(this.log);
    const name = await askName(config?.data.names[0] ?? path.basename(input));
    if (!name) return;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(input);
    const output = await askOutput(
      config,
      this.settings.convertOutputFolder || path.join(workspace, 'dataset_example', 'flexiv_data'),
    );
    if (!output) return;
    const split = await askSplit(this.settings.convertValidationRatio);
    if (!split) return;
    const views = await askViews(first.cameras);
    if (!views) return;
    const downSample = config?.data.downSample ?? DEFAULT_CONVERT_OPTIONS.downSample;
    const stride = await askStride(first.fps, this.settings.convertTargetFps, downSample);
    if (stride === undefined) return;
    const size = await askSize(config?.data.width ?? 320, config?.data.height ?? 192, Boolean(config));
    if (!size) return;
    const stateDim = config?.data.actionDim ?? DEFAULT_CONVERT_OPTIONS.stateDim;
    const states = await askStates(first.arrays, this.settings.convertPose, this.settings.convertGripper, stateDim);
    if (!states) return;
    const rawViews = views.some((view) => first.rawCameras.includes(view));
    const rawColorOrder = rawViews
      ? await askColorOrder(this.settings.datasetRawColorOrder)
      : this.settings.datasetRawColorOrder;
    if (!rawColorOrder) return;
    const options: ConvertOptions = {
      ...DEFAULT_CONVERT_OPTIONS,
      name,
      split,
      views,
      downSample,
      ...size,
      stride: stride === 'auto' ? undefined : stride,
      targetFps: this.settings.convertTargetFps,
      numFrames: config?.data.numFrames ?? DEFAULT_CONVERT_OPTIONS.numFrames,
      stateDim,
      pose: states.pose,
      gripper: states.gripper,
      rawColorOrder,
      task: this.settings.convertTask,
    };
    await this.convert(input, output, options, first.count);
  }

  private async convert(
    input: string,
    output: { root: string; metaRoot: string },
    options: ConvertOptions,
    count: number,
    replace = false,
  ): Promise<void> {
    this.log.info(
      `Converting ${input} → ${output.root}/${options.name} (meta ${output.metaRoot}): ${JSON.stringify({ ...options, name: undefined })}`,
    );
    let summary: ConvertSummary;
    try {
      summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Converting ${options.name}`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          return convertDataset({
            input,
            outRoot: output.root,
            metaRoot: output.metaRoot,
            options,
            signal: abort.signal,
            replace,
            onProgress: ({ done, total, file }) => {
              progress.report({
                message: file ? `${done + 1}/${total}: ${file}` : 'writing stat.json and sample lists',
                increment: ((done - reported) / Math.max(1, total)) * 100,
              });
              reported = done;
            },
          });
        },
      );
    } catch (error) {
      if (error instanceof CancelledError) {
        this.log.info(`Conversion of ${options.name} cancelled; what was written is kept and reused next time.`);
        void vscode.window.showInformationMessage(
          `Conversion of ${options.name} cancelled. Annotations already written are kept; run it again to finish.`,
        );
        return;
      }
      if (error instanceof OutputNotOursError && !replace) {
        // Only an explicit choice in a modal replaces files this extension did not write.
        const choice = await vscode.window.showWarningMessage(
          error.message,
          {
            modal: true,
            detail: 'Replace removes its annotations, ' + 'latents, stat.json and sample lists, then converts anew.',
          },
          'Replace',
        );
        if (choice === 'Replace') await this.convert(input, output, options, count, true);
        return;
      }
      this.log.error(`Conversion of ${input} failed: ${describeError(error)}`);
      const choice = await vscode.window.showErrorMessage(`Convert Dataset: ${describeError(error)}`, 'Show Output');
      if (choice) this.log.show(true);
      return;
    }
    await this.converted.add({ root: output.root, name: options.name, metaRoot: output.metaRoot });
    this.report(summary, count);
  }

  private report(summary: ConvertSummary, count: number): void {
    this.log.info(
      `Converted ${summary.datasetDir}: ${summary.episodes} of ${count} episodes (${summary.train} train, ${summary.val} val), ${summary.frames} video frames, ` +
        `${summary.trainSamples} train / ${summary.valSamples} val samples; ${summary.written} annotations written, ${summary.reused} already done, ${summary.removed} removed.`,
    );
    for (const entry of summary.skipped) this.log.warn(`Skipped ${entry.file}: ${entry.reason}`);
    for (const warning of summary.warnings) this.log.warn(warning);
    const skipped = summary.skipped.length
      ? `; ${summary.skipped.length} skipped (${summary.skipped
          .slice(0, 2)
          .map((entry) => `${entry.file}: ${entry.reason}`)
          .join('; ')}${summary.skipped.length > 2 ? '; …' : ''})`
      : '';
    const message =
      `Converted ${path.basename(summary.datasetDir)}: ${summary.episodes} episodes (${summary.train} train, ${summary.val} val), ${summary.frames} frames, ` +
      `${summary.trainSamples + summary.valSamples} samples${skipped}. Latents are encoded on the GPU host.${summary.warnings.map((w) => ` ${w}`).join('')}`;
    const show =
      summary.skipped.length || summary.warnings.length
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
    void show(message, 'Show Details', 'Open stat.json').then((choice) => {
      if (choice === 'Show Details') this.log.show(true);
      if (choice === 'Open stat.json')
        void vscode.window.showTextDocument(vscode.Uri.file(path.join(summary.metaDir, 'stat.json')));
    });
  }

  /** The palette without an argument: folders of the workspace and the dataset folders that hold episodes. */
  private async pickFolder(): Promise<string | undefined> {
    const roots = [
      ...(vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      ...this.settings.datasetFolders,
    ];
    // Dataset folders often lie inside the workspace: each file counts once.
    const files = new Set<string>();
    for (const root of roots) for (const entry of await findEpisodeFiles(root)) files.add(entry.path);
    const counts = new Map<string, number>();
    for (const file of files) counts.set(path.dirname(file), (counts.get(path.dirname(file)) ?? 0) + 1);
    const items: Array<vscode.QuickPickItem & { folder?: string }> = [...counts]
      .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
      .map(([folder, count]) => ({
        label: path.basename(folder),
        description: folder,
        detail: `${count} episodes`,
        folder,
      }));
    items.push({ label: '$(folder-opened) Choose a folder…' });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Convert Dataset: episodes to convert',
      placeHolder: 'A folder of Flexiv HDF5 episodes',
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.folder) return picked.folder;
    const chosen = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Convert',
      title: 'Folder of HDF5 episodes',
    });
    return chosen?.[0]?.fsPath;
  }
}

/** A dataset from the Datasets tree (a node with `folder`), the Explorer (a folder Uri), or a path from code. */
export function datasetFolderOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg === 'object' && arg !== null) {
    const node = arg as { folder?: unknown; dataset?: { folder?: unknown }; resourceUri?: unknown };
    if (typeof node.folder === 'string') return node.folder;
    if (typeof node.dataset?.folder === 'string') return node.dataset.folder;
    if (node.resourceUri instanceof vscode.Uri) return node.resourceUri.fsPath;
  }
  return undefined;
}

/** Cameras and rate of the first readable episode, to offer as choices. */
async function firstEpisode(folder: string): Promise<FirstEpisode | undefined> {
  const entries = await findEpisodeFiles(folder);
  for (const entry of entries.slice(0, 5)) {
    try {
      const episode = await EpisodeFile.open(entry.path);
      try {
        return {
          cameras: episode.cameras.map((camera) => camera.name),
          rawCameras: episode.cameras.filter((camera) => camera.encoding === 'raw').map((camera) => camera.name),
          arrays: episode.arrays,
          fps: episode.fps ?? DEFAULT_CONVERT_OPTIONS.defaultFps,
          count: entries.length,
        };
      } finally {
        episode.close();
      }
    } catch {
      // An unreadable first file: try the next; conversion itself lists it as skipped.
    }
  }
  return entries.length
    ? { cameras: [], rawCameras: [], arrays: [], fps: DEFAULT_CONVERT_OPTIONS.defaultFps, count: entries.length }
    : undefined;
}
