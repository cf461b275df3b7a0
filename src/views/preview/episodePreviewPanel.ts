// One Episode Preview in the editor: a webview panel (or custom editor) around a PreviewSession, plus what needs
// the editor: flagging, the clipboard, the save dialog, the log.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable, toDisposable } from '../../core/lifecycle';
import { describeError } from '../../core/errors';
import { describeFirstFrame } from '../../core/preview/firstFrameFigure';
import { PreviewSession, type PreviewSessionHost, type PreviewStart } from '../../core/preview/previewSession';
import type { EpisodePreviewHostMessage, EpisodePreviewViewMessage } from '../../protocol/episodePreview';
import type { Settings } from '../../settings';
import type { EpisodeFlags } from '../episodeFlags';
import { reportFailures, WebviewChannel } from '../webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from '../webview/html';

export type { PreviewStart } from '../../core/preview/previewSession';

export interface PreviewDependencies {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly flags: EpisodeFlags;
  readonly serveFrames: PreviewSessionHost['serveFrames'];
}

/** A panel opened by command (reusable for another episode) or a custom editor ("Open With…", tied to its file). */
export type PreviewPanelKind = 'panel' | 'editor';

export class EpisodePreviewPanel extends Disposable {
  private readonly channel: WebviewChannel<EpisodePreviewHostMessage, EpisodePreviewViewMessage>;
  private session: PreviewSession;
  private episodeFile: string;
  private keptOpen: boolean;
  /** The raw frames' channel order the session opened with: a change of the setting opens the episode again. */
  private colorOrder: string;
  /** When the HTML was last set after `openedAt` (Date.now()), for the first-frame figure. */
  private htmlAt: number | undefined;
  /** The episode went to the document now loading before it said `ready`: its `ready` asks for nothing more. */
  private servedEarly = false;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    file: string,
    start: PreviewStart,
    private readonly deps: PreviewDependencies,
    readonly kind: PreviewPanelKind,
    /** When the user asked for it (Date.now(), the page's clock too), for the first-frame figure in the log. */
    private openedAt: number | undefined = Date.now(),
  ) {
    super();
    this.episodeFile = file;
    this.keptOpen = kind === 'editor' || start.kept === true;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(deps.extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'ctrl-world.svg');
    this.channel = this.register(
      new WebviewChannel(
        panel.webview,
        (message) => this.onMessage(message),
        reportFailures(deps.log, 'Episode Preview'),
      ),
    );
    // The episode opens while the webview loads, so the first frame can go out with it.
    this.colorOrder = deps.settings.datasetRawColorOrder;
    this.session = this.openSession(start);
    this.register(
      deps.settings.onDidChange(() => {
        if (deps.settings.datasetRawColorOrder === this.colorOrder) return;
        // Frames already sent and cached were read in the old order: start over, the webview keeps its frame.
        this.colorOrder = deps.settings.datasetRawColorOrder;
        this.session.dispose();
        this.channel.reset();
        this.session = this.openSession({});
        this.render();
      }),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        // A hidden webview's document is discarded: stop feeding it; it says `ready` again when shown.
        if (!panel.visible) {
          this.channel.reset();
          this.session.reset();
          this.servedEarly = false;
        }
      }),
    );
    this.register(
      deps.flags.onDidChange((files) => {
        if (files.includes(this.file))
          void deps.flags.get(this.file).then((flag) => this.channel.post({ type: 'flag', flag: flag ?? null }));
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(
      toDisposable(() => {
        this.session.dispose();
        this.disposedEmitter.fire();
      }),
    );
    this.render();
  }

  /** The episode shown now; a panel opened by command may be given another one. */
  get file(): string {
    return this.episodeFile;
  }

  /** Kept open: another episode opens in a panel of its own. Custom editors always are. */
  get kept(): boolean {
    return this.keptOpen;
  }

  keep(kept: boolean): void {
    if (this.kind === 'editor' || kept === this.keptOpen) return;
    this.keptOpen = kept;
    this.channel.post({ type: 'kept', kept });
  }

  /**
   * Shows another episode in this panel without loading the webview again: the new episode opens at once, and a
   * loaded webview gets it with its first frame straight away, as on a first `ready`.
   */
  showEpisode(file: string, start: PreviewStart, openedAt: number): void {
    this.session.dispose();
    this.episodeFile = file;
    this.openedAt = openedAt;
    this.panel.title = path.basename(file);
    this.session = this.openSession({ ...start, kept: this.keptOpen });
    this.panel.reveal(undefined, false);
    // A document that listens (or is loading and took the previous episode early) gets this one now; one VS Code is
    // reviving asks for it with its `ready`.
    if (this.channel.isReady || this.servedEarly) void this.session.sendEpisode();
  }

  private openSession(start: PreviewStart): PreviewSession {
    const { deps, file } = this;
    return new PreviewSession(file, start, {
      post: (message) => this.channel.post(message),
      log: deps.log,
      flag: async () => (await deps.flags.get(file)) ?? null,
      scanOptions: () => deps.settings.datasetScanOptions,
      rawColorOrder: () => deps.settings.datasetRawColorOrder,
      frameCacheMB: () => deps.settings.previewFrameCacheMB,
      serveFrames: deps.serveFrames,
    });
  }

  private render(): void {
    const { panel, deps, file } = this;
    if (this.openedAt !== undefined) this.htmlAt = Date.now();
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: deps.extensionUri,
      bundle: 'episodePreview',
      title: path.basename(file),
      bundleCss: true,
      blobWorkers: true,
      earlyMessages: true,
      inline: true,
      frameServer: deps.settings.previewFrameTransport === 'http',
    });
    // The episode and its first frame travel while the document loads, not after its `ready`.
    this.channel.acceptEarly();
    this.servedEarly = true;
    void this.session.sendEpisode();
  }

  reveal(start: PreviewStart, openedAt: number): void {
    this.openedAt = openedAt;
    this.panel.reveal(undefined, false);
    if (start.frame !== undefined || start.enlarged !== undefined)
      this.channel.post({ type: 'navigate', frame: start.frame, enlarged: start.enlarged });
  }

  private async onMessage(message: EpisodePreviewViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.servedEarly) return void (this.servedEarly = false);
        return this.session.sendEpisode();
      case 'want':
        // Still asked for the episode the panel showed before: nothing to send.
        if (message.file !== this.file) return;
        return this.session.want(message.indices, message.replace);
      case 'received':
        if (message.file !== this.file) return;
        return this.session.received(message.count);
      case 'firstPaint':
        this.session.firstFrameShown();
        if (this.openedAt !== undefined) {
          const { opened, episode, frames, validation } = this.session.steps;
          const host = {
            command: this.openedAt,
            html: this.htmlAt,
            opened,
            posted: episode,
            framesPosted: frames,
            validation,
          };
          this.deps.log.info(`Episode preview: ${describeFirstFrame(path.basename(this.file), host, message.steps)}`);
          this.openedAt = undefined;
          this.htmlAt = undefined;
        }
        return;
      case 'frameFetchFailed':
        this.deps.log.warn(
          `Episode preview of ${this.file}: fetching frames from the extension's frame server failed ` +
            `(${message.reason}); they come as messages now. Set ctrlWorld.preview.frameTransport to "messages" ` +
            'if this machine or proxy refuses local connections.',
        );
        return;
      case 'flagEpisode':
        return void (await this.deps.flags.flag(this.file));
      case 'unflagEpisode':
        return this.deps.flags.unflag(this.file);
      case 'copyFrameIndex':
        await vscode.env.clipboard.writeText(String(message.index));
        vscode.window.setStatusBarMessage(`Copied frame index ${message.index}`, 3000);
        return;
      case 'saveFramePng':
        return this.saveFrame(message.index, message.png, message.label);
      case 'showOutput':
        return this.deps.log.show(true);
    }
  }

  private async saveFrame(index: number, png: ArrayBuffer, label: string): Promise<void> {
    const base = path.basename(this.file).replace(/\.(hdf5|h5)$/i, '');
    const suffix = label === 'all cameras' ? '' : `_${label}`;
    const target = await vscode.window.showSaveDialog({
      title: `Save frame ${index} of ${path.basename(this.file)} (${label})`,
      defaultUri: vscode.Uri.file(path.join(path.dirname(this.file), `${base}_frame_${index}${suffix}.png`)),
      filters: { 'PNG image': ['png'] },
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new Uint8Array(png));
      vscode.window.setStatusBarMessage(`Saved ${path.basename(target.fsPath)}`, 4000);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Could not save ${target.fsPath}: ${describeError(error)}. Choose a folder you can write to.`,
      );
    }
  }
}
