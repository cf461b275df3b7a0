// Conversion and converted datasets: "Convert Dataset", "Encode Latents on GPU Host", the Converted section of the
// Datasets view with its Problems, and the Converted Episode panel. The Datasets view shows the returned section.
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { TreeSection } from '../views/treeSection';
import { ConvertedDatasets } from '../views/converted/convertedDatasets';
import { ConvertedSection, episodeTarget, type ConvertedNode } from '../views/converted/convertedSection';
import { ConvertedEpisodePanel } from '../views/converted/convertedEpisodePanel';
import type { ConvertedEpisodeTarget } from '../protocol/convertedEpisode';
import { convertedFilesOnHost } from '../core/convert/remoteCheck';
import { ConvertDatasetCommand } from './convertDataset';
import { EncodeLatentsCommand } from './encodeLatents';
import { HostConvertedDatasetCommand } from './hostConvertedDataset';

export function registerConversion({ context, log, settings, hosts }: ExtensionServices): TreeSection {
  const converted = new ConvertedDatasets(context.workspaceState, log, async (location, cfg) => {
    const registry = await hosts.registry(location.host);
    return convertedFilesOnHost(registry.host, await registry.root(), {
      root: location.root,
      name: location.name,
      metaRoot: location.metaRoot,
      cfg,
    });
  });
  const section = new ConvertedSection(converted);
  const panel = new ConvertedEpisodePanel(context.extensionUri, log, (target) =>
    converted.filesFor(target.host, target.file),
  );
  const convert = new ConvertDatasetCommand(settings, converted, log);
  const encode = new EncodeLatentsCommand(settings, hosts, converted, log);
  const addOnHost = new HostConvertedDatasetCommand(settings, hosts, converted, log);
  context.subscriptions.push(
    converted,
    section,
    panel,
    vscode.commands.registerCommand('ctrlWorld.convertDataset', (arg?: unknown) => convert.run(arg)),
    vscode.commands.registerCommand('ctrlWorld.encodeLatents', (node?: ConvertedNode) => encode.run(node)),
    vscode.commands.registerCommand('ctrlWorld.checkConvertedDatasets', () => converted.refresh()),
    vscode.commands.registerCommand('ctrlWorld.addConvertedDatasetOnHost', () => addOnHost.run()),
    vscode.commands.registerCommand('ctrlWorld.forgetConvertedDataset', (node?: ConvertedNode) => {
      if (node?.kind === 'convertedDataset') return converted.forget(node.dataset.location);
      return undefined;
    }),
    vscode.commands.registerCommand(
      'ctrlWorld.openConvertedEpisode',
      (target?: ConvertedEpisodeTarget | ConvertedNode) => {
        const resolved =
          target && 'kind' in target
            ? target.kind === 'convertedEpisode'
              ? episodeTarget(target.dataset, target.episode)
              : undefined
            : target;
        return resolved ? panel.show(resolved) : undefined;
      },
    ),
  );
  void converted.refresh();
  return section as unknown as TreeSection;
}
