// The GPU host quick pick of the conversion commands: hosts used before, the SSH config's aliases, or one typed in.
import * as vscode from 'vscode';
import { readSshHosts } from '../core/remote/sshConfig';
import type { TrainingHosts } from '../training/hosts';
import type { Settings } from '../settings';

export async function pickGpuHost(settings: Settings, hosts: TrainingHosts, title: string): Promise<string | undefined> {
  const configured = await readSshHosts(settings.sshConfigFile).catch(() => []);
  const aliases = [...new Set([...hosts.known(), ...configured.map((host) => host.alias)].filter(Boolean))];
  const items = aliases.map((alias) => ({ label: alias, description: configured.find((host) => host.alias === alias)?.detail }));
  const picked = await vscode.window.showQuickPick([...items, { label: '$(edit) Enter a host…', description: 'user@hostname or a Host alias' }], { title, ignoreFocusOut: true });
  if (!picked) return undefined;
  const alias = picked.label.startsWith('$(') ? await vscode.window.showInputBox({ title: 'GPU host', prompt: 'user@hostname or a Host alias from your SSH config', ignoreFocusOut: true }) : picked.label;
  return alias?.trim() || undefined;
}
