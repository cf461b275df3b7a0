// One open config editor: keeps its webview in step with the .py document and turns form actions into
// WorkspaceEdits on that document, so the text stays the source of truth and undo, redo and dirty state just work.
import * as vscode from 'vscode';
import * as path from 'node:path';
import {
  RESET,
  configEdits,
  fieldSpec,
  parseConfig,
  parseFieldInput,
  profileChanges,
  profileFromValues,
  pythonLiteral,
  type ConfigChange,
} from '../../core/config';
import { describeError } from '../../core/errors';
import { Disposable } from '../../core/lifecycle';
import type { ConfigEditorHostMessage, ConfigEditorViewMessage } from '../../protocol/configEditor';
import { reportFailures, WebviewChannel } from '../webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from '../webview/html';
import type { TrainingEnvironmentSource } from './environment';
import type { ProfileEntry, ProfileStore } from './profileStore';
import { buildEditorState } from './viewModel';

export interface ConfigEditorServices {
  readonly extensionUri: vscode.Uri;
  readonly environment: TrainingEnvironmentSource;
  readonly profiles: ProfileStore;
  readonly log: vscode.LogOutputChannel;
}

export class ConfigEditorSession extends Disposable {
  private readonly channel: WebviewChannel<ConfigEditorHostMessage, ConfigEditorViewMessage>;
  private profileList: ProfileEntry[] = [];

  constructor(
    private readonly document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
    private readonly services: ConfigEditorServices,
  ) {
    super();
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(services.extensionUri) };
    this.channel = this.register(
      new WebviewChannel(
        panel.webview,
        (message) => this.onMessage(message),
        reportFailures(services.log, 'Config editor'),
      ),
    );
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: services.extensionUri,
      bundle: 'configEditor',
      bundleCss: true,
      title: 'Training Config',
    });
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document && event.contentChanges.length > 0) this.update();
      }),
    );
    this.register(services.environment.onDidChange(() => this.update()));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  private update(): void {
    const { environment, source } = this.services.environment.current;
    this.channel.post(
      buildEditorState({
        source: this.document.getText(),
        fileName: path.basename(this.document.fileName),
        environment,
        environmentSource: source,
        profiles: this.profileList.map(({ name, description, builtin }) => ({ name, description, builtin })),
      }),
    );
  }

  private async onMessage(message: ConfigEditorViewMessage): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          await this.refreshProfiles();
          return this.update();
        case 'edit': {
          const spec = fieldSpec(message.field);
          if (!spec) return;
          let value;
          try {
            value = parseFieldInput(spec, message.text);
          } catch (error) {
            this.channel.post({ type: 'inputError', field: message.field, message: describeError(error) });
            return;
          }
          return await this.apply({ [message.field]: value });
        }
        case 'reset':
          return await this.apply({ [message.field]: RESET });
        case 'apply':
          return await this.apply(message.changes);
        case 'previewProfile':
          return await this.previewProfile(message.profile);
        case 'applyProfile': {
          const profile = await this.services.profiles.load(message.profile);
          return await this.apply(
            Object.fromEntries(
              profileChanges(this.document.getText(), profile).map((change) => [change.field, change.proposed]),
            ),
          );
        }
        case 'saveProfile':
          return await this.saveProfile();
        case 'startTraining':
          return void vscode.commands.executeCommand('ctrlWorld.startTraining', this.document.uri);
        case 'showInText': {
          const position = new vscode.Position(message.line, 0);
          await vscode.window.showTextDocument(this.document, {
            viewColumn: vscode.ViewColumn.Beside,
            selection: new vscode.Range(position, position),
          });
          return;
        }
      }
    } catch (error) {
      this.services.log.error(`Config editor (${this.document.fileName}): ${describeError(error)}`);
      void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
      this.update();
    }
  }

  /** All changes in one WorkspaceEdit: one undo step; each rewrites only its value's text. */
  private async apply(changes: Readonly<Record<string, ConfigChange>>): Promise<void> {
    const edits = configEdits(this.document.getText(), changes);
    if (edits.length === 0) return this.update();
    const edit = new vscode.WorkspaceEdit();
    for (const { start, end, text } of edits) {
      edit.replace(
        this.document.uri,
        new vscode.Range(this.document.positionAt(start), this.document.positionAt(end)),
        text,
      );
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showWarningMessage(
        `Ctrl-World: ${path.basename(this.document.fileName)} could not be edited (is it read-only?).`,
      );
      this.update();
    }
  }

  private async previewProfile(name: string): Promise<void> {
    const profile = await this.services.profiles.load(name);
    const changes = profileChanges(this.document.getText(), profile).map(({ field, current, proposed }) => {
      const kind = fieldSpec(field)?.kind;
      return {
        field,
        current: current === undefined ? '(not set)' : pythonLiteral(current, { kind }),
        proposed: pythonLiteral(proposed, { kind }),
      };
    });
    this.channel.post({ type: 'profileDiff', profile: profile.name, description: profile.description, changes });
  }

  private async saveProfile(): Promise<void> {
    const name = await vscode.window.showInputBox({
      title: 'Save Training Profile',
      prompt: `The training values of ${path.basename(this.document.fileName)} are saved as <name>.yaml in ${this.services.profiles.folder}.`,
      placeHolder: 'a100x8-long',
      validateInput: (text) => (/^[\w.-]+$/.test(text.trim()) ? undefined : 'Use letters, digits, ".", "-" and "_".'),
    });
    if (!name) return;
    const file = this.services.profiles.fileFor(name.trim());
    if ((await this.services.profiles.list()).some((entry) => entry.file === file)) {
      const replace = await vscode.window.showWarningMessage(
        `The profile "${name.trim()}" exists. Replace it?`,
        { modal: true },
        'Replace',
      );
      if (replace !== 'Replace') return;
    }
    const profile = profileFromValues(
      name.trim(),
      parseConfig(this.document.getText()).values,
      `Saved from ${path.basename(this.document.fileName)}`,
    );
    const written = await this.services.profiles.save(profile);
    await this.refreshProfiles();
    this.update();
    this.channel.post({ type: 'notice', text: `Saved the profile "${profile.name}" to ${written}.` });
  }

  private async refreshProfiles(): Promise<void> {
    try {
      this.profileList = await this.services.profiles.list();
    } catch (error) {
      this.services.log.warn(
        `Could not list the profiles in ${this.services.profiles.folder}: ${describeError(error)}`,
      );
      this.profileList = [];
    }
  }
}
