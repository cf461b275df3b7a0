// The custom text editor for config*.py files ("option" priority: offered through "Open With", the editor title
// button and "Open Training Config", never forced on every config*.py of every Python project).
import * as vscode from 'vscode';
import { ConfigEditorSession, type ConfigEditorServices } from './configEditorSession';

export const CONFIG_EDITOR_VIEW_TYPE = 'ctrlWorld.configEditor';

export class ConfigEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(private readonly services: ConfigEditorServices) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    // The session disposes itself with its panel.
    new ConfigEditorSession(document, panel, this.services);
  }
}
