// The training config feature: the config editor, its diagnostics and the commands that open it.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PROFILES, CONFIG_CLASS, renderConfigFile } from '../core/config';
import { writeFileAtomic } from '../core/atomicWrite';
import type { Feature } from '../services';
import { ConfigDiagnostics } from '../views/config/configDiagnostics';
import { CONFIG_EDITOR_VIEW_TYPE, ConfigEditorProvider } from '../views/config/configEditorProvider';
import { isConfigFileName } from '../views/config/configProblems';
import {
  TrainingEnvironmentSource,
  USE_HOST_ENVIRONMENT_COMMAND,
  type HostEnvironment,
} from '../views/config/environment';
import { ProfileStore } from '../views/config/profileStore';

const CONFIG_CLASS_LINE = new RegExp(`^\\s*class\\s+${CONFIG_CLASS}\\b`, 'm');
const EXCLUDED = '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**,**/.git/**}';

export const registerTrainingConfig: Feature = ({ context, log, settings }) => {
  const environment = new TrainingEnvironmentSource(settings);
  const services = { extensionUri: context.extensionUri, environment, profiles: new ProfileStore(settings), log };
  context.subscriptions.push(
    environment,
    new ConfigDiagnostics(environment),
    vscode.window.registerCustomEditorProvider(CONFIG_EDITOR_VIEW_TYPE, new ConfigEditorProvider(services), {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand('ctrlWorld.openConfig', () => openTrainingConfig(log)),
    vscode.commands.registerCommand('ctrlWorld.openInConfigEditor', (uri?: vscode.Uri) =>
      openWith(uri, CONFIG_EDITOR_VIEW_TYPE),
    ),
    vscode.commands.registerCommand('ctrlWorld.openConfigAsText', (uri?: vscode.Uri) => openWith(uri, 'default')),
    vscode.commands.registerCommand(USE_HOST_ENVIRONMENT_COMMAND, (host?: HostEnvironment) =>
      environment.useHost(host),
    ),
  );
};

async function openWith(uri: vscode.Uri | undefined, viewType: string): Promise<void> {
  const target = uri ?? activeResource();
  if (!target) {
    void vscode.window.showInformationMessage('Ctrl-World: open a config*.py file first.');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, viewType);
}

function activeResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

/** The active config, else the workspace's config*.py files that define wm_args (config_flexiv.py first), else ask. */
async function openTrainingConfig(log: vscode.LogOutputChannel): Promise<void> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && isConfigFileName(active.fileName) && CONFIG_CLASS_LINE.test(active.getText()))
    return openWith(active.uri, CONFIG_EDITOR_VIEW_TYPE);
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Finding training configs' },
    () => findConfigs(),
  );
  log.info(`Open Training Config: ${candidates.length} config file(s) with class ${CONFIG_CLASS} in the workspace.`);
  if (candidates.length === 1) return openWith(candidates[0], CONFIG_EDITOR_VIEW_TYPE);
  if (candidates.length > 1) {
    const picked = await vscode.window.showQuickPick(
      candidates.map((uri) => ({
        label: path.basename(uri.fsPath),
        description: vscode.workspace.asRelativePath(uri),
        uri,
      })),
      {
        title: 'Open Training Config',
        placeHolder: 'Choose the config that train_wm.py uses',
      },
    );
    if (picked) await openWith(picked.uri, CONFIG_EDITOR_VIEW_TYPE);
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `Ctrl-World: no config*.py with a "class ${CONFIG_CLASS}" in this workspace.`,
    'Choose File…',
    'Create config_flexiv.py',
  );
  if (choice === 'Choose File…') {
    const [file] =
      (await vscode.window.showOpenDialog({
        title: 'Open Training Config',
        filters: { Python: ['py'] },
        canSelectMany: false,
      })) ?? [];
    if (file) await openWith(file, CONFIG_EDITOR_VIEW_TYPE);
  } else if (choice === 'Create config_flexiv.py') {
    await createFlexivConfig();
  }
}

async function findConfigs(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles('**/config*.py', EXCLUDED, 500);
  const configs: vscode.Uri[] = [];
  for (const uri of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (CONFIG_CLASS_LINE.test(text)) configs.push(uri);
  }
  const rank = (uri: vscode.Uri) => (path.basename(uri.fsPath) === 'config_flexiv.py' ? 0 : 1);
  return configs.sort((a, b) => rank(a) - rank(b) || a.fsPath.localeCompare(b.fsPath));
}

async function createFlexivConfig(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Ctrl-World: open a folder (your Ctrl-World checkout) first.');
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, 'config_flexiv.py');
  if (existsSync(uri.fsPath)) {
    void vscode.window.showWarningMessage(
      `Ctrl-World: ${uri.fsPath} exists but has no "class ${CONFIG_CLASS}"; it was left as it is.`,
    );
    return;
  }
  const a100x8 = BUILTIN_PROFILES.find((profile) => profile.name === 'a100x8')!;
  await writeFileAtomic(uri.fsPath, renderConfigFile(a100x8.values, 'the a100x8 profile: 8 x A100 80GB'));
  await openWith(uri, CONFIG_EDITOR_VIEW_TYPE);
}
