// The Datasets view and its commands: add a folder, refresh, cancel, filter, sort, reveal, copy path, details.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { onHdf5Diagnostics } from '../core/hdf5';
import type { Feature } from '../services';
import { DatasetsModel } from '../views/datasets/datasetsModel';
import { DatasetsTree, SORT_LABELS, type EpisodeSort } from '../views/datasets/datasetsTree';
import { DATASETS_VIEW_ID, DatasetsView } from '../views/datasets/datasetsView';
import { EpisodeDetails } from '../views/datasets/episodeDetails';
import type { DatasetsNode } from '../views/datasets/nodes';
import { ProblemsPanel } from '../views/datasets/problemsPanel';
import { isSectionNode } from '../views/treeSection';
import { registerConversion } from './conversion';

export const registerDatasets: Feature = (services) => {
  const { context, log, settings, flags } = services;
  const storage = context.storageUri ?? context.globalStorageUri;
  const model = new DatasetsModel(settings, log, {
    file: path.join(storage.fsPath, 'dataset-scan-cache.json'),
    version: String(context.extension.packageJSON.version),
  });
  const tree = new DatasetsTree(model, context.workspaceState, flags, [registerConversion(services)]);
  const problems = new ProblemsPanel(model);
  const view = new DatasetsView(model, tree, problems, settings);
  const details = new EpisodeDetails(model);
  context.subscriptions.push(model, tree, problems, view, details);
  // HDF5's own error traces are kept from the user's sight, but a developer may want them: the log at debug level.
  onHdf5Diagnostics((text) => log.debug(`HDF5: ${text.trim()}`));
  context.subscriptions.push({ dispose: () => onHdf5Diagnostics(undefined) });

  /** The node a command acts on: the one it was run on, else the focused one in the view. */
  const target = (node?: DatasetsNode): DatasetsNode | undefined => {
    const chosen = node ?? view.view.selection[0];
    return chosen && !isSectionNode(chosen) ? chosen : undefined;
  };
  const command = (id: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  command('ctrlWorld.addDatasetFolder', async () => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: true,
      openLabel: 'Add Dataset Folder',
      title: 'Folders of Flexiv HDF5 episodes (*.hdf5, *.h5)',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    for (const folder of picked ?? []) await settings.addDatasetFolder(folder.fsPath);
    // The settings change triggers the scan; show the view so that its progress is seen.
    if (picked?.length) await vscode.commands.executeCommand(`${DATASETS_VIEW_ID}.focus`);
  });
  command('ctrlWorld.refreshDatasets', () => model.refresh());
  command('ctrlWorld.cancelDatasetScan', () => model.cancel());
  command('ctrlWorld.filterEpisodes', async () => {
    const text = await vscode.window.showInputBox({
      title: 'Filter Episodes',
      value: tree.filter,
      placeHolder: 'Part of an episode path, e.g. episode_1 or flexiv_1113/',
      prompt: 'Shows the episodes whose path contains this text (case ignored). Empty shows all.',
    });
    if (text !== undefined) await tree.setFilter(text);
  });
  command('ctrlWorld.clearEpisodeFilter', () => tree.setFilter(''));
  command('ctrlWorld.sortEpisodes', async () => {
    const items = (Object.keys(SORT_LABELS) as EpisodeSort[]).map((sort) => ({
      label: SORT_LABELS[sort],
      sort,
      picked: sort === tree.sort,
      description: sort === tree.sort ? 'current' : undefined,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Sort Episodes By' });
    if (picked) await tree.setSort(picked.sort);
  });
  command('ctrlWorld.copyEpisodePath', async (node?: DatasetsNode) => {
    const file = target(node)?.file;
    if (!file)
      return void vscode.window.showInformationMessage('Select an episode or a dataset in the Datasets view first.');
    await vscode.env.clipboard.writeText(file);
    void vscode.window.setStatusBarMessage(`Copied ${file}`, 3000);
  });
  command('ctrlWorld.revealEpisodeInExplorer', async (node?: DatasetsNode) => {
    const selected = target(node);
    const file = selected?.file;
    if (!selected || !file)
      return void vscode.window.showInformationMessage('Select an episode or a dataset in the Datasets view first.');
    const uri = vscode.Uri.file(file);
    if (vscode.workspace.getWorkspaceFolder(uri))
      return void (await vscode.commands.executeCommand('revealInExplorer', uri));
    // The Explorer only shows workspace files: anything else goes to the system's file manager, which a remote
    // or browser window (code-server) does not have.
    try {
      await vscode.commands.executeCommand('revealFileInOS', uri);
    } catch {
      const choice = await vscode.window.showInformationMessage(
        `${file} is outside the workspace, so the Explorer cannot show it.`,
        'Add Folder to Workspace',
        'Copy Path',
      );
      const folder = selected.kind === 'dataset' || selected.kind === 'rootMessage' ? file : path.dirname(file);
      if (choice === 'Copy Path') await vscode.env.clipboard.writeText(file);
      if (choice === 'Add Folder to Workspace')
        vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, {
          uri: vscode.Uri.file(folder),
        });
    }
  });
  command('ctrlWorld.showEpisodeDetails', async (node?: DatasetsNode) => {
    const selected = target(node);
    if (!selected || (selected.kind !== 'episode' && selected.kind !== 'camera' && selected.kind !== 'array')) {
      return void vscode.window.showInformationMessage('Select an episode or a camera in the Datasets view first.');
    }
    await details.show(selected.file, selected.kind === 'camera' ? selected.camera.name : undefined);
  });

  void model.refresh();
  log.info(
    `Datasets view ready; dataset folders: ${settings.datasetFolders.map((folder) => path.normalize(folder)).join(', ') || 'none configured'}.`,
  );
};
