// The Datasets view and its commands: add a folder, refresh, cancel, filter, sort, reveal, copy path, details.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Feature } from '../services';
import { DatasetsModel } from '../views/datasets/datasetsModel';
import { DatasetsTree, SORT_LABELS, type EpisodeSort } from '../views/datasets/datasetsTree';
import { DATASETS_VIEW_ID, DatasetsView } from '../views/datasets/datasetsView';
import { EpisodeDetails } from '../views/datasets/episodeDetails';
import type { DatasetsNode } from '../views/datasets/nodes';
import { ProblemsPanel } from '../views/datasets/problemsPanel';

export const registerDatasets: Feature = ({ context, log, settings, flags }) => {
  const model = new DatasetsModel(settings, log);
  const tree = new DatasetsTree(model, context.workspaceState, flags);
  const problems = new ProblemsPanel(model);
  const view = new DatasetsView(model, tree, problems, settings);
  const details = new EpisodeDetails(model);
  context.subscriptions.push(model, tree, problems, view, details);

  /** The node a command acts on: the one it was run on, else the focused one in the view. */
  const target = (node?: DatasetsNode): DatasetsNode | undefined => node ?? view.view.selection[0];
  const command = (id: string, run: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  command('ctrlWorld.addDatasetFolder', async () => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: 'Add Dataset Folder',
      title: 'Folders of Flexiv HDF5 episodes (*.hdf5, *.h5)', defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    for (const folder of picked ?? []) await settings.addDatasetFolder(folder.fsPath);
    // The settings change triggers the scan; show the view so that its progress is seen.
    if (picked?.length) await vscode.commands.executeCommand(`${DATASETS_VIEW_ID}.focus`);
  });
  command('ctrlWorld.refreshDatasets', () => model.refresh());
  command('ctrlWorld.cancelDatasetScan', () => model.cancel());
  command('ctrlWorld.filterEpisodes', async () => {
    const text = await vscode.window.showInputBox({
      title: 'Filter Episodes', value: tree.filter, placeHolder: 'Part of an episode path, e.g. episode_1 or flexiv_1113/',
      prompt: 'Shows the episodes whose path contains this text (case ignored). Empty shows all.',
    });
    if (text !== undefined) await tree.setFilter(text);
  });
  command('ctrlWorld.clearEpisodeFilter', () => tree.setFilter(''));
  command('ctrlWorld.sortEpisodes', async () => {
    const items = (Object.keys(SORT_LABELS) as EpisodeSort[]).map((sort) => ({ label: SORT_LABELS[sort], sort, picked: sort === tree.sort, description: sort === tree.sort ? 'current' : undefined }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Sort Episodes By' });
    if (picked) await tree.setSort(picked.sort);
  });
  command('ctrlWorld.copyEpisodePath', async (node?: DatasetsNode) => {
    const file = target(node)?.file;
    if (!file) return void vscode.window.showInformationMessage('Select an episode or a dataset in the Datasets view first.');
    await vscode.env.clipboard.writeText(file);
    void vscode.window.setStatusBarMessage(`Copied ${file}`, 3000);
  });
  command('ctrlWorld.revealEpisodeInExplorer', async (node?: DatasetsNode) => {
    const file = target(node)?.file;
    if (!file) return void vscode.window.showInformationMessage('Select an episode or a dataset in the Datasets view first.');
    const uri = vscode.Uri.file(file);
    // The Explorer only shows workspace files; anything else is revealed in the operating system's file manager.
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  });
  command('ctrlWorld.showEpisodeDetails', async (node?: DatasetsNode) => {
    const selected = target(node);
    if (!selected || (selected.kind !== 'episode' && selected.kind !== 'camera' && selected.kind !== 'array')) {
      return void vscode.window.showInformationMessage('Select an episode or a camera in the Datasets view first.');
    }
    await details.show(selected.file, selected.kind === 'camera' ? selected.camera.name : undefined);
  });

  void model.refresh();
  log.info(`Datasets view ready; dataset folders: ${settings.datasetFolders.map((folder) => path.normalize(folder)).join(', ') || 'none configured'}.`);
};
