// A section of a tree view owned by another feature (the converted datasets inside the Datasets view): its nodes
// carry the section's id, so the view hands them to the section to draw and expand.
import type * as vscode from 'vscode';

export interface SectionNode {
  readonly section: string;
  readonly kind: string;
  /** The file or folder the node stands for. */
  readonly file: string;
}

export interface TreeSection<T extends SectionNode = SectionNode> {
  readonly id: string;
  readonly onDidChange: vscode.Event<void>;
  /** Top-level nodes; none hides the section. */
  roots(): T[];
  children(node: T): T[];
  treeItem(node: T): vscode.TreeItem;
}

export function isSectionNode(node: object): node is SectionNode {
  return 'section' in node;
}
