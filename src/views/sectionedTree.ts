// One tree view made of independent sections (the episode folders, the converted datasets, …): each section owns
// its nodes, which carry the section's id so that the view asks the right section about them.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';

export interface SectionNode {
  readonly section: string;
}

export interface TreeSection<T extends SectionNode> {
  readonly id: string;
  readonly onDidChange: vscode.Event<T | undefined>;
  /** Top-level nodes; none hides the section (the view shows its welcome content when every section is empty). */
  roots(): vscode.ProviderResult<T[]>;
  children(node: T): vscode.ProviderResult<T[]>;
  treeItem(node: T): vscode.TreeItem | Thenable<vscode.TreeItem>;
  parent?(node: T): vscode.ProviderResult<T>;
}

export class SectionedTree extends Disposable implements vscode.TreeDataProvider<SectionNode> {
  private readonly changed = this.register(new vscode.EventEmitter<SectionNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sections = new Map<string, TreeSection<SectionNode>>();

  constructor(sections: ReadonlyArray<TreeSection<SectionNode>>) {
    super();
    for (const section of sections) {
      this.sections.set(section.id, section);
      this.register(section.onDidChange((node) => this.changed.fire(node)));
    }
  }

  getTreeItem(node: SectionNode): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.section(node).treeItem(node);
  }

  async getChildren(node?: SectionNode): Promise<SectionNode[]> {
    if (node) return (await this.section(node).children(node)) ?? [];
    const roots = await Promise.all([...this.sections.values()].map(async (section) => (await section.roots()) ?? []));
    return roots.flat();
  }

  getParent(node: SectionNode): vscode.ProviderResult<SectionNode> {
    return this.section(node).parent?.(node);
  }

  private section(node: SectionNode): TreeSection<SectionNode> {
    const section = this.sections.get(node.section);
    if (!section) throw new Error(`no tree section "${node.section}"`);
    return section;
  }
}
