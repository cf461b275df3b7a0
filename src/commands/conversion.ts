// Conversion and converted datasets: "Convert Dataset", "Encode Latents on GPU Host", the Converted section of the Datasets view with its
// Problems, and the Converted Episode panel.
import * as vscode from 'vscode';
import type { Feature } from '../services';
import { SectionedTree, type SectionNode, type TreeSection } from '../views/sectionedTree';
import { ConvertedDatasets } from '../views/converted/convertedDatasets';
import { ConvertedSection, episodeTarget, type ConvertedNode } from '../views/converted/convertedSection';
import { ConvertedEpisodePanel } from '../views/converted/convertedEpisodePanel';
import type { ConvertedEpisodeTarget } from '../protocol/convertedEpisode';
import { ConvertDatasetCommand } from './convertDataset';
import { EncodeLatentsCommand } from './encodeLatents';

export const registerConversion: Feature = ({ context, log, settings }) => {
  const converted = new ConvertedDatasets(context.workspaceState, log);
  const section = new ConvertedSection(converted);
  const tree = new SectionedTree([section as TreeSection<SectionNode>]);
  const panel = new ConvertedEpisodePanel(context.extensionUri, log);
  const command = new ConvertDatasetCommand(settings, converted, log);
  const encode = new EncodeLatentsCommand(settings, converted, log);
  context.subscriptions.push(converted, section, tree, panel,
    vscode.window.registerTreeDataProvider('ctrlWorld.datasets', tree),
    vscode.commands.registerCommand('ctrlWorld.convertDataset', (arg?: unknown) => command.run(arg)),
    vscode.commands.registerCommand('ctrlWorld.encodeLatents', (node?: ConvertedNode) => encode.run(node)),
    vscode.commands.registerCommand('ctrlWorld.checkConvertedDatasets', () => converted.refresh()),
    vscode.commands.registerCommand('ctrlWorld.forgetConvertedDataset', (node?: ConvertedNode) => {
      if (node?.kind === 'dataset') return converted.forget(node.dataset.location);
      return undefined;
    }),
    vscode.commands.registerCommand('ctrlWorld.openConvertedEpisode', (target?: ConvertedEpisodeTarget | ConvertedNode) => {
      const resolved = target && 'kind' in target ? (target.kind === 'episode' ? episodeTarget(target.dataset, target.episode) : undefined) : target;
      if (resolved) return panel.show(resolved);
      return undefined;
    }),
  );
  void converted.refresh();
};
