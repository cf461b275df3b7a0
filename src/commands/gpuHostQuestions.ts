// What the conversion commands ask about the GPU host: which host (hosts used before, the SSH config's aliases, or one
// typed in), and the training config's folders as defaults for where things are there.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readSshHosts } from '../core/remote/sshConfig';
import type { TrainingHosts } from '../training/hosts';
import type { Settings } from '../settings';
import type { ConvertedDataset } from '../views/converted/convertedDatasets';

export async function pickGpuHost(settings: Settings, hosts: TrainingHosts, title: string): Promise<string | undefined> {
  const configured = await readSshHosts(settings.sshConfigFile).catch(() => []);
  const aliases = [...new Set([...hosts.known(), ...configured.map((host) => host.alias)].filter(Boolean))];
  const items = aliases.map((alias) => ({ label: alias, description: configured.find((host) => host.alias === alias)?.detail }));
  const picked = await vscode.window.showQuickPick([...items, { label: '$(edit) Enter a host…', description: 'user@hostname or a Host alias' }], { title, ignoreFocusOut: true });
  if (!picked) return undefined;
  const alias = picked.label.startsWith('$(') ? await vscode.window.showInputBox({ title: 'GPU host', prompt: 'user@hostname or a Host alias from your SSH config', ignoreFocusOut: true }) : picked.label;
  return alias?.trim() || undefined;
}

/**
 * A folder of the training config as the config wrote it, relative to its Ctrl-World checkout: the same folder on the
 * host. `fallback` without a config.
 */
export function configPathOnHost(config: ConvertedDataset['config'], local: string | undefined, fallback: string): string {
  return config && local ? path.relative(path.dirname(config.file), local).split(path.sep).join('/') : fallback;
}
