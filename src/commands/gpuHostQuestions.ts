// What the conversion commands ask about the GPU host: which host (hosts used before, the SSH config's aliases, or one
// typed in), and the training config's folders as defaults for where things are there.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readSshHosts } from '../core/remote/sshConfig';
import { hostLabelFor, LOCAL_KEY, type TrainingHosts } from '../training/hosts';
import { askText, pickOne, type StepOptions } from '../views/quickInput';
import type { Settings } from '../settings';
import type { ConvertedDataset } from '../views/converted/convertedDatasets';

/**
 * The one answer to "which GPU host?" (training, latent encoding, converted data): hosts used before, the default
 * host, the SSH config's aliases, the settings' hosts, this machine, or one typed in.
 */
export async function pickGpuHost(
  settings: Settings,
  hosts: TrainingHosts,
  options: StepOptions,
): Promise<string | undefined> {
  const items = (async () => {
    const fromConfig = await readSshHosts(settings.sshConfigFile).catch(() => []);
    const seen = new Set<string>();
    const rows: Array<vscode.QuickPickItem & { key?: string }> = [];
    const add = (key: string, description?: string, detail?: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      rows.push({
        label: `${key === LOCAL_KEY ? '$(device-desktop)' : '$(server)'} ${hostLabelFor(key)}`,
        description,
        detail,
        key,
      });
    };
    for (const key of hosts.known()) add(key, 'recently used');
    if (settings.defaultSshHost) add(settings.defaultSshHost, 'default host');
    for (const host of fromConfig) add(host.alias, host.detail);
    for (const host of settings.extraSshHosts) add(host, 'from settings');
    add(LOCAL_KEY, 'VS Code runs on the GPU machine (Remote-SSH, code-server)');
    rows.push({ label: '$(add) Enter another host…', description: 'user@host or an SSH alias' });
    return rows;
  })();
  const picked = await pickOne(items, { placeholder: 'The GPU host', ...options });
  if (!picked) return undefined;
  if (picked.key) return picked.key;
  const typed = await askText({
    ...options,
    prompt: 'An SSH host: a Host alias from your SSH config or user@hostname',
    validate: (value) => (/^[^\s-][^\s]*$/.test(value.trim()) ? undefined : 'Enter one host name without spaces'),
  });
  return typed?.trim() || undefined;
}

/**
 * A folder of the training config as the config wrote it, relative to its Ctrl-World checkout: the same folder on the
 * host. `fallback` without a config.
 */
export function configPathOnHost(
  config: ConvertedDataset['config'],
  local: string | undefined,
  fallback: string,
): string {
  return config && local ? path.relative(path.dirname(config.file), local).split(path.sep).join('/') : fallback;
}
