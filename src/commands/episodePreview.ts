// "Open Episode Preview", "Flag Episode" and "Unflag Episode": from the Datasets tree, the Explorer, the palette;
// "Keep Episode Preview Open" and its reverse from the preview's title bar.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Feature } from '../services';
import type { Settings } from '../settings';
import { findEpisodeFiles } from '../core/dataset';
import { datasetRoots } from '../views/datasets/datasetRoots';
import { EpisodePreviews } from '../views/preview/episodePreviews';

/** An episode, and optionally where to start in it. */
interface EpisodeTarget {
  readonly file: string;
  readonly camera?: string;
  readonly frame?: number;
}

export const registerEpisodePreview: Feature = ({ context, log, settings, flags }) => {
  const previews = new EpisodePreviews({ extensionUri: context.extensionUri, log, settings, flags });
  context.subscriptions.push(previews);

  const withEpisode = (run: (target: EpisodeTarget) => unknown) => async (arg?: unknown, options?: unknown) => {
    const target = episodeTarget(arg, options) ?? (await pickEpisode(settings));
    if (target) await run(target);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(
      'ctrlWorld.openEpisodePreview',
      withEpisode((target) => {
        const openedAt = Date.now();
        previews.show(
          target.file,
          {
            ...(target.frame !== undefined ? { frame: target.frame } : {}),
            ...(target.camera !== undefined ? { enlarged: target.camera } : {}),
          },
          openedAt,
        );
      }),
    ),
    vscode.commands.registerCommand('ctrlWorld.keepEpisodePreviewOpen', () => previews.keepActive(true)),
    vscode.commands.registerCommand('ctrlWorld.letEpisodePreviewBeReused', () => previews.keepActive(false)),
    vscode.commands.registerCommand(
      'ctrlWorld.flagEpisode',
      withEpisode((target) => flags.flag(target.file)),
    ),
    vscode.commands.registerCommand(
      'ctrlWorld.unflagEpisode',
      withEpisode((target) => flags.unflag(target.file)),
    ),
  );
};

/**
 * Reads the command's arguments: a path or file Uri (Explorer, palette, other extensions), a Datasets tree node
 * (episode or camera), or `(file, { camera, frame })` from code.
 */
function episodeTarget(arg: unknown, options?: unknown): EpisodeTarget | undefined {
  const extra = (typeof options === 'object' && options !== null ? options : {}) as {
    camera?: unknown;
    frame?: unknown;
  };
  const camera = typeof extra.camera === 'string' ? extra.camera : undefined;
  const frame = typeof extra.frame === 'number' && Number.isInteger(extra.frame) ? extra.frame : undefined;
  if (typeof arg === 'string') return { file: arg, camera, frame };
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? { file: arg.fsPath, camera, frame } : undefined;
  if (typeof arg === 'object' && arg !== null) {
    const node = arg as { file?: unknown; camera?: unknown; resourceUri?: unknown };
    const nodeCamera =
      typeof node.camera === 'string'
        ? node.camera
        : typeof (node.camera as { name?: unknown })?.name === 'string'
          ? (node.camera as { name: string }).name
          : undefined;
    if (typeof node.file === 'string') return { file: node.file, camera: nodeCamera ?? camera, frame };
    if (node.resourceUri instanceof vscode.Uri)
      return { file: node.resourceUri.fsPath, camera: nodeCamera ?? camera, frame };
  }
  return undefined;
}

/** The palette without an argument: choose among the episodes of the Datasets view's folders. */
async function pickEpisode(settings: Settings): Promise<EpisodeTarget | undefined> {
  const roots = (await datasetRoots(settings)).filter((root) => !root.missing);
  const found = await Promise.all(
    roots.map(async (root) => (await findEpisodeFiles(root.folder)).map((entry) => ({ root: root.folder, entry }))),
  );
  const episodes = found.flat();
  if (episodes.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'No HDF5 episodes (*.hdf5, *.h5) were found in the workspace or the dataset folders.',
      'Add Dataset Folder',
    );
    if (choice) await vscode.commands.executeCommand('ctrlWorld.addDatasetFolder');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    episodes.map(({ root, entry }) => ({
      label: path.basename(entry.path),
      description: path.join(path.basename(root), path.dirname(entry.relative)),
      file: entry.path,
    })),
    { title: 'Open Episode Preview', placeHolder: 'Choose an episode', matchOnDescription: true },
  );
  return picked && { file: picked.file };
}
