// A tree with no items, so that a view shows its welcome content until its feature provides data.
import * as vscode from 'vscode';

export class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
