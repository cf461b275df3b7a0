// How each node of the Datasets tree looks: label, figures, icon, tooltip and what a click does.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, formatDuration } from '../../core/format';
import type { EpisodeSummary, Problem } from '../../core/dataset';
import type { ArrayNode, CameraNode, DatasetNode, DatasetsNode, EpisodeNode, RootMessageNode } from './nodes';
import { untrustedMarkdown } from '../markdown';
import { escapeMarkdown } from '../markdownEscape';

const ERROR_ICON = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
const WARNING_ICON = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));

/** Episodes are short: tenths of a second say more than formatDuration's whole seconds below a minute. */
function formatLength(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : formatDuration(seconds);
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function problemCount(errors: number, warnings: number): string {
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : '']
    .filter(Boolean)
    .join(', ');
}

function episodeCounts(episode: EpisodeSummary): { errors: number; warnings: number } {
  const errors = episode.problems.filter((entry) => entry.severity === 'error').length;
  return { errors, warnings: episode.problems.length - errors };
}

export function episodeLabel(episode: EpisodeSummary): string {
  return path.basename(episode.path).replace(/\.(hdf5|h5)$/i, '');
}

function problemsMarkdown(problems: readonly Problem[]): string {
  return problems
    .map((entry) => `- ${entry.severity === 'error' ? '$(error)' : '$(warning)'} ${escapeMarkdown(entry.message)}`)
    .join('\n');
}

export function treeItem(node: DatasetsNode): vscode.TreeItem {
  switch (node.kind) {
    case 'dataset':
      return datasetItem(node);
    case 'episode':
      return episodeItem(node);
    case 'camera':
      return cameraItem(node);
    case 'array':
      return arrayItem(node);
    case 'rootMessage':
      return rootMessageItem(node);
  }
}

function datasetItem({ dataset, episodes }: DatasetNode): vscode.TreeItem {
  const item = new vscode.TreeItem(dataset.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `dataset:${dataset.folder}`;
  const shown =
    episodes.length === dataset.episodes.length
      ? plural(dataset.episodes.length, 'episode')
      : `${episodes.length} of ${plural(dataset.episodes.length, 'episode')}`;
  const problems = problemCount(dataset.errors, dataset.warnings);
  item.description = [
    shown,
    plural(dataset.frames, 'frame'),
    formatLength(dataset.durationSeconds),
    formatBytes(dataset.sizeBytes),
    problems,
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip = untrustedMarkdown([
    `**${escapeMarkdown(dataset.name)}** — ${escapeMarkdown(dataset.folder)}`,
    `${plural(dataset.episodes.length, 'episode')}, ${plural(dataset.frames, 'frame')} (${formatLength(dataset.durationSeconds)}), ${formatBytes(dataset.sizeBytes)} on disk`,
    problems
      ? `$(warning) ${problems}: see the episodes marked below, or the Problems panel.`
      : '$(check) No problems found.',
  ]);
  item.iconPath = dataset.errors ? ERROR_ICON : dataset.warnings ? WARNING_ICON : new vscode.ThemeIcon('database');
  item.contextValue = 'dataset';
  item.resourceUri = vscode.Uri.file(dataset.folder);
  return item;
}

function episodeItem({ episode, datasetName, flag }: EpisodeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    episodeLabel(episode),
    episode.readable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `episode:${episode.path}`;
  const { errors, warnings } = episodeCounts(episode);
  const duration = episode.frames / episode.fps;
  item.description = [
    ...(flag ? ['flagged'] : []),
    ...(episode.readable ? [plural(episode.frames, 'frame'), formatLength(duration)] : ['unreadable']),
    formatBytes(episode.sizeBytes),
  ].join(' · ');
  const rate = `${episode.fps} fps${episode.fpsFromFile ? ' (from the file)' : ' (ctrlWorld.datasetFps)'}`;
  item.tooltip = untrustedMarkdown([
    `**${escapeMarkdown(datasetName)}/${escapeMarkdown(path.basename(episode.path))}**`,
    episode.readable
      ? `${plural(episode.frames, 'frame')} at ${rate} = ${formatLength(duration)} · ${formatBytes(episode.sizeBytes)} · ${plural(episode.cameras.length, 'camera')}`
      : `${formatBytes(episode.sizeBytes)} · cannot be opened`,
    episode.problems.length ? problemsMarkdown(episode.problems) : '$(check) No problems found.',
    ...(flag
      ? [
          `$(flag) Flagged: ${escapeMarkdown(flag.reason)}. Conversion leaves it out; unflag it from the Episode Preview or this item's menu.`,
        ]
      : []),
  ]);
  item.iconPath = errors ? ERROR_ICON : warnings ? WARNING_ICON : new vscode.ThemeIcon('file-media');
  // The flag state picks the menu: Flag on an unflagged episode, Unflag on a flagged one.
  item.contextValue = episode.readable ? (flag ? 'episode.flagged' : 'episode') : 'unreadableEpisode';
  item.resourceUri = vscode.Uri.file(episode.path);
  item.accessibilityInformation = {
    label: `${episodeLabel(episode)}, ${item.description}${errors || warnings ? `, ${problemCount(errors, warnings)}` : ''}${flag ? `: ${flag.reason}` : ''}`,
  };
  return item;
}

export function cameraDescription(camera: CameraNode['camera']): string {
  const size = camera.width > 0 ? `${camera.height}x${camera.width}` : 'size unknown';
  return [plural(camera.frames, 'frame'), size, camera.encoding, camera.filter ?? 'uncompressed'].join(' · ');
}

function cameraItem({ episode, camera }: CameraNode): vscode.TreeItem {
  const item = new vscode.TreeItem(camera.name, vscode.TreeItemCollapsibleState.None);
  item.id = `camera:${episode.path}:${camera.name}`;
  item.description = cameraDescription(camera);
  const cameraProblems = episode.problems.filter((entry) => entry.message.includes(camera.name));
  item.tooltip = untrustedMarkdown([
    `**${escapeMarkdown(camera.name)}** of ${escapeMarkdown(episodeLabel(episode))}`,
    `${plural(camera.frames, 'frame')}, ${camera.width > 0 ? `${camera.height} x ${camera.width} pixels (height x width)` : 'image size unknown'}, stored as ${camera.encoding === 'jpeg' ? 'JPEG' : 'raw RGB'}, ${camera.filter ? `${camera.filter} compression` : 'no compression filter'}`,
    ...(cameraProblems.length ? [problemsMarkdown(cameraProblems)] : []),
    'Click to open the episode preview at this camera.',
  ]);
  item.iconPath = new vscode.ThemeIcon('device-camera');
  item.contextValue = 'camera';
  item.command = {
    command: 'ctrlWorld.openEpisodePreview',
    title: 'Open Episode Preview',
    arguments: [episode.path, { camera: camera.name }],
  };
  return item;
}

function arrayItem({ episode, name, array }: ArrayNode): vscode.TreeItem {
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = `array:${episode.path}:${name}`;
  item.description = `(${array.shape.join(', ')}) ${array.dtype}`;
  item.tooltip = untrustedMarkdown([
    `**${escapeMarkdown(name)}** of ${escapeMarkdown(episodeLabel(episode))}: shape (${array.shape.join(', ')}), ${array.dtype}`,
  ]);
  item.iconPath = new vscode.ThemeIcon('symbol-array');
  item.contextValue = 'array';
  return item;
}

function rootMessageItem({ root, message, severity }: RootMessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(root.folder) || root.folder, vscode.TreeItemCollapsibleState.None);
  item.id = `root:${root.folder}`;
  item.description = message;
  item.tooltip = untrustedMarkdown([
    `${escapeMarkdown(root.folder)} ${escapeMarkdown(message)}.`,
    'Change it in the ctrlWorld.datasetFolders setting (click to open it).',
  ]);
  item.iconPath =
    severity === 'error' ? ERROR_ICON : severity === 'warning' ? WARNING_ICON : new vscode.ThemeIcon('folder');
  item.contextValue = 'datasetRoot';
  item.command = {
    command: 'workbench.action.openSettings',
    title: 'Open Settings',
    arguments: ['ctrlWorld.datasetFolders'],
  };
  return item;
}
