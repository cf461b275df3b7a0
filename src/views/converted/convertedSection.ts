// The "Converted" section of the Datasets view: a node per converted dataset with its check's verdict, its meta
// files, and its train/val episodes with their latents; an episode opens its state curves.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../../core/lifecycle';
import type { ConvertedEpisode } from '../../core/convert/check';
import type { ConvertedEpisodeTarget } from '../../protocol/convertedEpisode';
import type { TreeSection } from '../treeSection';
import { remoteFileUri } from '../remoteFiles';
import type { ConvertedDataset, ConvertedDatasets } from './convertedDatasets';
import { untrustedMarkdown } from '../markdown';
import { escapeMarkdown } from '../markdownEscape';

export const CONVERTED_SECTION = 'converted';

/** Kinds are prefixed so that no command of the episode tree mistakes a converted node for one of its own. */
export type ConvertedNode = { readonly section: typeof CONVERTED_SECTION; readonly file: string } & (
  | { readonly kind: 'convertedRoot' }
  | { readonly kind: 'convertedDataset'; readonly dataset: ConvertedDataset }
  | {
      readonly kind: 'convertedMeta';
      readonly dataset: ConvertedDataset;
      readonly label: string;
      readonly detail: string;
    }
  | {
      readonly kind: 'convertedSplit';
      readonly dataset: ConvertedDataset;
      readonly split: string;
      readonly episodes: readonly ConvertedEpisode[];
    }
  | { readonly kind: 'convertedEpisode'; readonly dataset: ConvertedDataset; readonly episode: ConvertedEpisode }
);

type NodeFields = ConvertedNode extends infer N ? (N extends ConvertedNode ? Omit<N, 'section'> : never) : never;
const node = (value: NodeFields) => ({ section: CONVERTED_SECTION, ...value }) as ConvertedNode;

export class ConvertedSection extends Disposable implements TreeSection<ConvertedNode> {
  readonly id = CONVERTED_SECTION;
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly datasets: ConvertedDatasets) {
    super();
    this.onDidChange = datasets.onDidChange;
  }

  roots(): ConvertedNode[] {
    const first = this.datasets.all[0];
    return first ? [node({ kind: 'convertedRoot', file: first.location.root })] : [];
  }

  children(parent: ConvertedNode): ConvertedNode[] {
    switch (parent.kind) {
      case 'convertedRoot':
        return this.datasets.all.map((dataset) =>
          node({ kind: 'convertedDataset', file: path.join(dataset.location.root, dataset.location.name), dataset }),
        );
      case 'convertedDataset':
        return datasetChildren(parent.dataset);
      case 'convertedSplit':
        return parent.episodes.map((episode) =>
          node({ kind: 'convertedEpisode', file: episode.annotationFile, dataset: parent.dataset, episode }),
        );
      default:
        return [];
    }
  }

  treeItem(element: ConvertedNode): vscode.TreeItem {
    switch (element.kind) {
      case 'convertedRoot': {
        const item = new vscode.TreeItem('Converted', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'converted';
        item.iconPath = new vscode.ThemeIcon('package');
        item.tooltip = "Datasets in Ctrl-World's training layout, checked against what train_wm.py reads.";
        item.contextValue = 'convertedRoot';
        return item;
      }
      case 'convertedDataset':
        return datasetItem(element.dataset);
      case 'convertedMeta': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.description = element.detail;
        item.iconPath = new vscode.ThemeIcon('json');
        const { host } = element.dataset.location;
        // A host's meta file opens read-only from the host.
        const uri = host ? remoteFileUri(host, element.file) : vscode.Uri.file(element.file);
        item.resourceUri = uri;
        item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
        item.contextValue = 'convertedMeta';
        return item;
      }
      case 'convertedSplit': {
        const item = new vscode.TreeItem(element.split, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${datasetId(element.dataset)}:${element.split}`;
        item.description = `${element.episodes.length} episode${element.episodes.length === 1 ? '' : 's'} · ${element.episodes.reduce((sum, episode) => sum + episode.videoLength, 0)} frames`;
        item.iconPath = new vscode.ThemeIcon('list-tree');
        return item;
      }
      case 'convertedEpisode':
        return episodeItem(element.dataset, element.episode);
    }
  }
}

function datasetChildren(dataset: ConvertedDataset): ConvertedNode[] {
  const report = dataset.report;
  if (!report) return [];
  const children: ConvertedNode[] = [];
  const { location } = dataset;
  const statFile = path.join(location.metaRoot, location.name, 'stat.json');
  children.push(
    node({
      kind: 'convertedMeta',
      dataset,
      file: statFile,
      label: 'stat.json',
      detail: report.stat ? '1st/99th percentiles of 7 states' : 'missing',
    }),
  );
  for (const split of ['train', 'val'] as const) {
    children.push(
      node({
        kind: 'convertedMeta',
        dataset,
        file: path.join(report.metaDir, `${split}_sample.json`),
        label: `${split}_sample.json`,
        detail: `${report.samples[split]} samples`,
      }),
    );
  }
  const splits = [...new Set(report.episodes.map((episode) => episode.split))];
  for (const split of splits) {
    children.push(
      node({
        kind: 'convertedSplit',
        dataset,
        file: report.datasetDir,
        split: split === 'any' ? 'episodes' : split,
        episodes: report.episodes.filter((episode) => episode.split === split),
      }),
    );
  }
  return children;
}

function datasetItem(dataset: ConvertedDataset): vscode.TreeItem {
  const { location, report } = dataset;
  const item = new vscode.TreeItem(location.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = datasetId(dataset);
  item.contextValue = location.host ? 'convertedDatasetOnHost' : 'convertedDataset';
  const where = location.host ? `on ${location.host} · ` : '';
  if (!report) {
    item.description = `${where}check failed`;
    item.tooltip = dataset.error;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    return item;
  }
  const latents = report.episodes.flatMap((episode) => episode.latents);
  const errors = report.problems.filter((problem) => problem.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const frames = report.episodes.reduce((sum, episode) => sum + episode.videoLength, 0);
  const train = report.episodes.filter((episode) => episode.split !== 'val').length;
  item.description =
    `${where}${train} train · ${report.episodes.length - train} val · ${frames} frames · latents ${latents.filter((latent) => latent.state === 'ok').length}/${latents.length}` +
    (errors + warnings > 0 ? ` · ${errors + warnings} problem${errors + warnings > 1 ? 's' : ''}` : '');
  item.iconPath =
    errors > 0
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : warnings > 0
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  // Paths and messages name files of the host: escaped, never markup.
  const e = escapeMarkdown;
  const problems = report.problems
    .slice(0, 5)
    .map((problem) => `- $(${problem.severity === 'error' ? 'error' : 'warning'}) ${e(problem.message)}`);
  if (report.problems.length > 5) problems.push(`- … ${report.problems.length - 5} more in the Problems panel`);
  item.tooltip = untrustedMarkdown([
    `**${e(location.name)}** (${report.layout} layout)${location.host ? ` on **${e(location.host)}**` : ''}`,
    `Dataset: ${e(report.datasetDir)}`,
    `Meta: ${e(report.metaDir)}`,
    ...(dataset.config ? [`Checked against ${e(dataset.config.file)}`] : []),
    ...(problems.length ? [problems.join('\n')] : []),
  ]);
  return item;
}

function datasetId({ location }: ConvertedDataset): string {
  return `converted:${location.host ?? ''}:${location.root}:${location.name}`;
}

export function episodeTarget(dataset: ConvertedDataset, episode: ConvertedEpisode): ConvertedEpisodeTarget {
  const { location, report } = dataset;
  const samplesFile =
    report && episode.split !== 'any' ? path.join(report.metaDir, `${episode.split}_sample.json`) : undefined;
  return {
    ...(location.host ? { host: location.host } : {}),
    file: episode.annotationFile,
    statFile: path.join(location.metaRoot, location.name, 'stat.json'),
    samplesFile,
  };
}

function episodeItem(dataset: ConvertedDataset, episode: ConvertedEpisode): vscode.TreeItem {
  const item = new vscode.TreeItem(`episode ${episode.id}`, vscode.TreeItemCollapsibleState.None);
  const ok = episode.latents.filter((latent) => latent.state === 'ok').length;
  const bad = episode.latents.some((latent) => latent.state === 'bad');
  item.description = `${episode.videoLength} frames · latents ${ok}/${episode.latents.length}${episode.source ? ` · ${episode.source.file}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(
    bad ? 'error' : ok === episode.latents.length ? 'pass' : 'circle-outline',
    bad ? new vscode.ThemeColor('list.errorForeground') : undefined,
  );
  item.tooltip = [
    episode.task && `"${episode.task}"`,
    episode.source && `from ${episode.source.file} (${episode.source.fps} Hz, stride ${episode.source.stride})`,
    ...episode.latents.map(
      (latent) => `view ${latent.view}: ${latent.state}${latent.shape ? ` (${latent.shape.join(', ')})` : ''}`,
    ),
  ]
    .filter(Boolean)
    .join('\n');
  item.contextValue = 'convertedEpisode';
  item.command = {
    command: 'ctrlWorld.openConvertedEpisode',
    title: 'Show State Curves',
    arguments: [episodeTarget(dataset, episode)],
  };
  return item;
}
