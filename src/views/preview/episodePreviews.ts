// Every open Episode Preview: one per episode file, restored after a reload by the serializer, and also offered as
// a readonly custom editor so "Open With…" on an .hdf5/.h5 file in the Explorer shows the preview.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../../core/lifecycle';
import { EPISODE_PREVIEW_VIEW_TYPE, type PreviewViewState } from '../../protocol/episodePreview';
import { EpisodePreviewPanel, type PreviewDependencies, type PreviewStart } from './episodePreviewPanel';

/** The custom editor's view type; distinct from the panel's, whose serializer restores panels opened by command. */
export const EPISODE_EDITOR_VIEW_TYPE = 'ctrlWorld.episodeEditor';

export class EpisodePreviews
  extends Disposable
  implements vscode.WebviewPanelSerializer<PreviewViewState>, vscode.CustomReadonlyEditorProvider<vscode.CustomDocument>
{
  /** Open previews by episode file; a file may have a command panel and custom editors at once. */
  private readonly open = new Map<string, Set<EpisodePreviewPanel>>();

  constructor(private readonly deps: PreviewDependencies) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(EPISODE_PREVIEW_VIEW_TYPE, this));
    this.register(
      vscode.window.registerCustomEditorProvider(EPISODE_EDITOR_VIEW_TYPE, this, {
        // Keeping hidden editors alive would hold their decoded frames; the webview restores its state instead.
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    );
    this.register({
      dispose: () => [...this.open.values()].flatMap((set) => [...set]).forEach((panel) => panel.dispose()),
    });
  }

  /** Shows the episode, revealing its existing preview rather than opening a second one. */
  show(file: string, start: PreviewStart = {}, openedAt = performance.now()): void {
    const absolute = path.resolve(file);
    const existing = this.open.get(absolute)?.values().next().value;
    if (existing) {
      existing.reveal(start, openedAt);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EPISODE_PREVIEW_VIEW_TYPE,
      path.basename(absolute),
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [],
      },
    );
    this.track(new EpisodePreviewPanel(panel, absolute, start, this.deps, openedAt));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PreviewViewState | undefined): Promise<void> {
    if (!state?.file) {
      // A panel from an older version or one closed before its webview loaded: nothing to restore.
      panel.dispose();
      return;
    }
    const { file, ...start } = state;
    this.track(new EpisodePreviewPanel(panel, file, start, this.deps));
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    this.track(new EpisodePreviewPanel(panel, document.uri.fsPath, {}, this.deps));
  }

  private track(preview: EpisodePreviewPanel): void {
    const set = this.open.get(preview.file) ?? new Set<EpisodePreviewPanel>();
    set.add(preview);
    this.open.set(preview.file, set);
    preview.onDidDispose(() => {
      set.delete(preview);
      if (set.size === 0 && this.open.get(preview.file) === set) this.open.delete(preview.file);
    });
  }
}
