// Read-only documents for files on a host (a run's config snapshot): opened in an editor tab with the right
// language from the file name, read through the one runner, never editable, so a run's record cannot be changed.
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import type { TrainingHosts } from '../training/hosts';

export const REMOTE_FILE_SCHEME = 'ctrl-world-remote';
const MAX_BYTES = 4 * 1024 * 1024;

export function remoteFileUri(host: string, remotePath: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: REMOTE_FILE_SCHEME,
    path: remotePath,
    query: new URLSearchParams({ host }).toString(),
  });
}

export class RemoteFiles implements vscode.TextDocumentContentProvider {
  constructor(private readonly hosts: TrainingHosts) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const host = new URLSearchParams(uri.query).get('host') ?? '';
    try {
      const registry = await this.hosts.registry(host);
      const result = await registry.host.exec(['head', '-c', String(MAX_BYTES), '--', uri.path], { timeoutMs: 60_000 });
      if (result.code !== 0)
        return `# ${uri.path} could not be read on ${registry.host.label}: ${result.stderr.trim()}\n`;
      return result.stdout;
    } catch (error) {
      return `# ${uri.path} could not be read: ${describeError(error)}\n`;
    }
  }
}

export async function openRemoteFile(host: string, remotePath: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(remoteFileUri(host, remotePath));
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
