// Every open Episode Preview: panels opened by command, restored after a reload by the serializer, and readonly
// custom editors, so "Open With…" on an .hdf5/.h5 file in the Explorer shows the preview. Like the editor's own
// preview tabs, opening another episode shows it in the open panel unless that one is kept open.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../../core/lifecycle';
import { EPISODE_PREVIEW_VIEW_TYPE, type PreviewViewState } from '../../protocol/episodePreview';
import { EpisodePreviewPanel, type PreviewDependencies, type PreviewStart } from './episodePreviewPanel';
import { FrameServing } from './frameServing';

/** The custom editor's view type; distinct from the panel's, whose serializer restores panels opened by command. */
export const EPISODE_EDITOR_VIEW_TYPE = 'ctrlWorld.episodeEditor';
/** Set while the active editor is an Episode Preview panel that is kept open (its title bar shows which). */
const KEPT_CONTEXT_KEY = 'ctrlWorld.episodePreviewKept';

export class EpisodePreviews
  extends Disposable
  implements vscode.WebviewPanelSerializer<PreviewViewState>, vscode.CustomReadonlyEditorProvider<vscode.CustomDocument>
{
  /** Open previews, least recently active first; a file may have a command panel and custom editors at once. */
  private readonly open: EpisodePreviewPanel[] = [];

  private readonly deps: PreviewDependencies;

  constructor(deps: Omit<PreviewDependencies, 'serveFrames'>) {
    super();
    const serving = this.register(new FrameServing(deps.settings));
    this.deps = { ...deps, serveFrames: (read, frameCount) => serving.serve(read, frameCount) };
    this.register(vscode.window.registerWebviewPanelSerializer(EPISODE_PREVIEW_VIEW_TYPE, this));
    this.register(
      vscode.window.registerCustomEditorProvider(EPISODE_EDITOR_VIEW_TYPE, this, {
        // Keeping hidden editors alive would hold their decoded frames; the webview restores its state instead.
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    );
    this.register({ dispose: () => [...this.open].forEach((preview) => preview.dispose()) });
  }

  /**
   * Shows the episode: its open preview if it has one, else the open panel that is not kept open (the most recently
   * active), else a new panel.
   */
  show(file: string, start: PreviewStart = {}, openedAt = Date.now()): void {
    const absolute = path.resolve(file);
    const existing = this.open.find((preview) => preview.file === absolute);
    if (existing) {
      existing.reveal(start, openedAt);
      return;
    }
    const reusable = this.deps.settings.previewReuse
      ? [...this.open].reverse().find((preview) => preview.kind === 'panel' && !preview.kept)
      : undefined;
    if (reusable) {
      reusable.showEpisode(absolute, start, openedAt);
      this.touch(reusable);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EPISODE_PREVIEW_VIEW_TYPE,
      path.basename(absolute),
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [] },
    );
    this.track(new EpisodePreviewPanel(panel, absolute, start, this.deps, 'panel', openedAt));
  }

  /** The Episode Preview panel in front, for the title bar's Keep Open. */
  get active(): EpisodePreviewPanel | undefined {
    return this.open.find((preview) => preview.kind === 'panel' && preview.panel.active);
  }

  keepActive(kept: boolean): void {
    this.active?.keep(kept);
    this.updateContext();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PreviewViewState | undefined): Promise<void> {
    if (!state?.file) {
      // A panel from an older version or one closed before its webview loaded: nothing to restore.
      panel.dispose();
      return;
    }
    const { file, ...start } = state;
    this.track(new EpisodePreviewPanel(panel, file, start, this.deps, 'panel'));
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    this.track(new EpisodePreviewPanel(panel, document.uri.fsPath, {}, this.deps, 'editor'));
  }

  private track(preview: EpisodePreviewPanel): void {
    this.open.push(preview);
    const viewState = preview.panel.onDidChangeViewState(() => {
      if (preview.panel.active) this.touch(preview);
      this.updateContext();
    });
    preview.onDidDispose(() => {
      viewState.dispose();
      this.open.splice(this.open.indexOf(preview), 1);
      this.updateContext();
    });
    this.updateContext();
  }

  /** Moves a preview to the most recently active end. */
  private touch(preview: EpisodePreviewPanel): void {
    this.open.splice(this.open.indexOf(preview), 1);
    this.open.push(preview);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', KEPT_CONTEXT_KEY, this.active?.kept ?? false);
  }
}
