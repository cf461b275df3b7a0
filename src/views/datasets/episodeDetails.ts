// A read-only document describing one episode (or one of its cameras): what the scan found, for reading or copying.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EpisodeSummary } from '../../core/dataset';
import { formatBytes, formatDuration } from '../../core/format';
import { Disposable } from '../../core/lifecycle';
import type { DatasetsModel } from './datasetsModel';
import { cameraDescription } from './treeItems';

export const DETAILS_SCHEME = 'ctrlworld-episode';

export class EpisodeDetails extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();

  constructor(private readonly model: DatasetsModel) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, this));
    // Open details documents follow rescans (a file fixed or damaged since).
    this.register(
      model.onDidChange(() => {
        for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
      }),
    );
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.open.delete(document.uri.toString())));
  }

  /** Opens the details of `file`, scrolled to `camera` when given. */
  async show(file: string, camera?: string): Promise<void> {
    const uri = vscode.Uri.from({
      scheme: DETAILS_SCHEME,
      path: `/${path.basename(file)}.md`,
      query: new URLSearchParams({ file }).toString(),
    });
    this.open.add(uri.toString());
    const document = await vscode.workspace.openTextDocument(uri);
    const line = camera
      ? document
          .getText()
          .split('\n')
          .findIndex((text) => text.startsWith(`### ${camera}`))
      : -1;
    const position = new vscode.Position(Math.max(0, line), 0);
    await vscode.window.showTextDocument(document, { preview: true, selection: new vscode.Range(position, position) });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const file = new URLSearchParams(uri.query).get('file') ?? '';
    const episode = this.model.roots
      .flatMap((state) => state.result?.episodes ?? [])
      .find((candidate) => candidate.path === file);
    return episode
      ? describe(episode)
      : `# ${path.basename(file)}\n\nThis episode is no longer in any dataset folder. Refresh the Datasets view.\n`;
  }
}

function describe(episode: EpisodeSummary): string {
  const lines = [
    `# ${path.basename(episode.path)}`,
    '',
    `- File: ${episode.path}`,
    `- Size: ${formatBytes(episode.sizeBytes)} (${episode.sizeBytes.toLocaleString('en-US')} bytes), modified ${new Date(episode.mtimeMs).toISOString()}`,
  ];
  if (episode.readable) {
    lines.push(
      `- Length: ${episode.frames} frames at ${episode.fps} fps (${episode.fpsFromFile ? 'from the file' : 'ctrlWorld.datasetFps'}) = ${formatDuration(episode.frames / episode.fps)}`,
    );
  }
  lines.push(
    '',
    '## Problems',
    '',
    ...(episode.problems.length
      ? episode.problems.map((entry) => `- **${entry.severity}** \`${entry.code}\`: ${entry.message}`)
      : ['None found.']),
  );
  lines.push('', '## Cameras', '');
  for (const camera of episode.cameras) lines.push(`### ${camera.name}`, '', `${cameraDescription(camera)}`, '');
  if (episode.cameras.length === 0) lines.push('None.', '');
  lines.push(
    '## Arrays',
    '',
    ...(Object.keys(episode.arrays).length
      ? Object.entries(episode.arrays).map(
          ([name, array]) => `- ${name}: shape (${array.shape.join(', ')}), ${array.dtype}`,
        )
      : ['None.']),
    '',
  );
  return lines.join('\n');
}
