// The Datasets tree: datasets, their episodes (filtered and sorted), and each episode's cameras and arrays.
import * as vscode from 'vscode';
import { compareNatural, type EpisodeSummary } from '../../core/dataset';
import { Disposable } from '../../core/lifecycle';
import type { EpisodeFlags } from '../episodeFlags';
import type { DatasetsModel } from './datasetsModel';
import { isSectionNode, type SectionNode, type TreeSection } from '../treeSection';
import type { DatasetNode, DatasetsNode, EpisodeNode } from './nodes';
import { treeItem } from './treeItems';

export type EpisodeSort = 'name' | 'frames' | 'size' | 'problems';

export const SORT_LABELS: Record<EpisodeSort, string> = {
  name: 'Name (episode_2 before episode_10)',
  frames: 'Length (longest first)',
  size: 'Size on disk (largest first)',
  problems: 'Problems (errors first)',
};

const STATE_KEY = 'ctrlWorld.datasets.view';

function severityRank(episode: EpisodeSummary): number {
  if (episode.problems.some((entry) => entry.severity === 'error')) return 0;
  return episode.problems.length > 0 ? 1 : 2;
}

const COMPARATORS: Record<EpisodeSort, (a: EpisodeSummary, b: EpisodeSummary) => number> = {
  name: (a, b) => compareNatural(a.file, b.file),
  frames: (a, b) => b.frames - a.frames || compareNatural(a.file, b.file),
  size: (a, b) => b.sizeBytes - a.sizeBytes || compareNatural(a.file, b.file),
  problems: (a, b) => severityRank(a) - severityRank(b) || compareNatural(a.file, b.file),
};

/** A node of the view: the episode folders' own, or one of a section added below them (the converted datasets). */
export type DatasetsViewNode = DatasetsNode | SectionNode;

export class DatasetsTree extends Disposable implements vscode.TreeDataProvider<DatasetsViewNode> {
  private readonly changed = this.register(new vscode.EventEmitter<DatasetsViewNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private filterText: string;
  private sortOrder: EpisodeSort;
  private parents = new Map<string, DatasetsNode>();

  constructor(
    private readonly model: DatasetsModel,
    private readonly memento: vscode.Memento,
    private readonly flags: EpisodeFlags,
    private readonly sections: readonly TreeSection[] = [],
  ) {
    super();
    for (const section of sections) this.register(section.onDidChange(() => this.changed.fire(undefined)));
    const saved = memento.get<{ filter?: string; sort?: EpisodeSort }>(STATE_KEY, {});
    this.filterText = saved.filter ?? '';
    this.sortOrder = saved.sort && saved.sort in COMPARATORS ? saved.sort : 'name';
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    this.register(flags.onDidChange(() => this.changed.fire(undefined)));
  }

  get filter(): string {
    return this.filterText;
  }

  get sort(): EpisodeSort {
    return this.sortOrder;
  }

  /** Shows only episodes whose path (relative to its root) contains `text`, ignoring case; '' shows all. */
  async setFilter(text: string): Promise<void> {
    this.filterText = text.trim();
    await this.save();
  }

  async setSort(sort: EpisodeSort): Promise<void> {
    this.sortOrder = sort;
    await this.save();
  }

  private async save(): Promise<void> {
    await this.memento.update(STATE_KEY, { filter: this.filterText, sort: this.sortOrder });
    this.changed.fire(undefined);
  }

  getTreeItem(node: DatasetsViewNode): vscode.TreeItem {
    return isSectionNode(node) ? this.section(node).treeItem(node) : treeItem(node);
  }

  getParent(node: DatasetsViewNode): DatasetsNode | undefined {
    return isSectionNode(node) ? undefined : this.parents.get(this.key(node));
  }

  getChildren(node?: DatasetsViewNode): DatasetsViewNode[] {
    if (node && isSectionNode(node)) return this.section(node).children(node);
    if (!node) return [...this.topLevel(), ...this.sections.flatMap((section) => section.roots())];
    const children = this.childrenOf(node);
    for (const child of children) if (node) this.parents.set(this.key(child), node);
    return children;
  }

  /** Every dataset node as shown now (for commands that act on all of them). */
  datasets(): DatasetNode[] {
    return this.topLevel().filter((node): node is DatasetNode => node.kind === 'dataset');
  }

  private section(node: SectionNode): TreeSection {
    const section = this.sections.find((candidate) => candidate.id === node.section);
    if (!section) throw new Error(`no tree section "${node.section}"`);
    return section;
  }

  private key(node: DatasetsNode): string {
    return `${node.kind}:${node.file}:${node.kind === 'camera' ? node.camera.name : node.kind === 'array' ? node.name : ''}`;
  }

  private topLevel(): DatasetsNode[] {
    this.parents = new Map();
    const nodes: DatasetsNode[] = [];
    const filter = this.filterText.toLowerCase();
    for (const { root, result, error } of this.model.roots) {
      if (root.missing) {
        nodes.push({ kind: 'rootMessage', file: root.folder, root, message: root.missing, severity: 'error' });
        continue;
      }
      if (error) {
        nodes.push({
          kind: 'rootMessage',
          file: root.folder,
          root,
          message: `cannot be scanned: ${error}`,
          severity: 'error',
        });
        continue;
      }
      if (root.configured && result && result.episodes.length === 0) {
        nodes.push({
          kind: 'rootMessage',
          file: root.folder,
          root,
          message: 'no *.hdf5 or *.h5 episodes in it',
          severity: 'warning',
        });
        continue;
      }
      for (const dataset of result?.datasets ?? []) {
        const episodes = dataset.episodes
          .filter((episode) => !filter || episode.file.toLowerCase().includes(filter))
          .sort(COMPARATORS[this.sortOrder]);
        if (episodes.length > 0 || !filter) nodes.push({ kind: 'dataset', file: dataset.folder, dataset, episodes });
      }
    }
    return nodes;
  }

  private childrenOf(node: DatasetsNode): DatasetsNode[] {
    switch (node.kind) {
      case 'dataset':
        return node.episodes.map((episode): EpisodeNode => ({
          kind: 'episode',
          file: episode.path,
          episode,
          datasetName: node.dataset.name,
          flag: this.flags.peek(episode.path),
        }));
      case 'episode': {
        const { episode } = node;
        return [
          ...episode.cameras.map((camera) => ({ kind: 'camera' as const, file: episode.path, episode, camera })),
          ...Object.entries(episode.arrays).map(([name, array]) => ({
            kind: 'array' as const,
            file: episode.path,
            episode,
            name,
            array,
          })),
        ];
      }
      default:
        return [];
    }
  }
}
