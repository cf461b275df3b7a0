// One Episode Preview: a webview panel (or custom editor) showing one episode, fed frame sets by the extension host.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable, toDisposable } from '../../core/lifecycle';
import { describeError } from '../../core/errors';
import { FrameFeed } from '../../core/preview/frameFeed';
import { openPreviewSource, type PreviewSource } from '../../core/preview/episodeSource';
import type { EpisodePreviewHostMessage, EpisodePreviewViewMessage, FrameImage, PreviewProblem, PreviewViewState } from '../../protocol/episodePreview';
import type { Settings } from '../../settings';
import type { EpisodeFlags } from '../episodeFlags';
import { WebviewChannel } from '../webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from '../webview/html';

/** Encoded frames the host keeps for re-requests (stepping back, loops): a few seconds of three JPEG cameras. */
const HOST_CACHE_BYTES = 64 * 2 ** 20;

export interface PreviewDependencies {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly flags: EpisodeFlags;
}

export type PreviewStart = Partial<Omit<PreviewViewState, 'file'>>;

export class EpisodePreviewPanel extends Disposable {
  private readonly channel: WebviewChannel<EpisodePreviewHostMessage, EpisodePreviewViewMessage>;
  private source: Promise<PreviewSource> | undefined;
  private feed: FrameFeed<FrameImage[]> | undefined;
  private problems: readonly PreviewProblem[] | undefined;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly file: string,
    private readonly start: PreviewStart,
    private readonly deps: PreviewDependencies,
    /** When the user asked for it (performance.now()), for the first-frame figure in the log. */
    private openedAt: number | undefined = performance.now(),
  ) {
    super();
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(deps.extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'ctrl-world.svg');
    this.channel = this.register(new WebviewChannel(panel.webview, (message) => void this.onMessage(message)));
    this.register(panel.onDidChangeViewState(() => {
      // A hidden webview's document is discarded: stop feeding it; it says `ready` again when shown.
      if (!panel.visible) {
        this.channel.reset();
        this.feed?.reset();
      }
    }));
    this.register(deps.flags.onDidChange((files) => {
      if (files.includes(file)) void deps.flags.get(file).then((flag) => this.channel.post({ type: 'flag', flag: flag ?? null }));
    }));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(toDisposable(() => {
      this.feed?.dispose();
      void this.source?.then((source) => source.close(), () => undefined);
      this.disposedEmitter.fire();
    }));
    panel.webview.html = renderWebviewHtml({ webview: panel.webview, extensionUri: deps.extensionUri, bundle: 'episodePreview', title: path.basename(file), bundleCss: true });
    // Open the file while the webview loads, so the first frame can go out with the episode.
    this.source = this.load();
    this.source.catch(() => undefined); // reported to the webview when it is ready
  }

  reveal(start: PreviewStart, openedAt: number): void {
    this.openedAt = openedAt;
    this.panel.reveal(undefined, false);
    if (start.frame !== undefined || start.enlarged !== undefined) this.channel.post({ type: 'navigate', frame: start.frame, enlarged: start.enlarged });
  }

  private async load(): Promise<PreviewSource> {
    const started = performance.now();
    const source = await openPreviewSource(this.file, { defaultFps: this.deps.settings.datasetFps, flag: (await this.deps.flags.get(this.file)) ?? null });
    if (this.isDisposed) {
      source.close();
      return source;
    }
    this.feed = new FrameFeed<FrameImage[]>({
      read: (index) => source.readFrameSet(index),
      send: (index, images) => this.channel.post({ type: 'frames', index, images }),
      sizeOf: (images) => images.reduce((sum, image) => sum + ('bytes' in image ? image.bytes.byteLength : 0), 0),
      failed: (index, error) => this.deps.log.warn(`${this.file}: frame ${index}: ${describeError(error)}`),
    }, HOST_CACHE_BYTES);
    const { episode } = source;
    this.deps.log.info(`Episode preview: opened ${this.file} (${episode.cameras.length} cameras, ${episode.frameCount} frames) in ${(performance.now() - started).toFixed(0)} ms`);
    return source;
  }

  private async onMessage(message: EpisodePreviewViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready': return this.sendEpisode();
      case 'want': return this.feed?.want(message.indices, message.replace);
      case 'received': return this.feed?.acknowledge();
      case 'firstPaint':
        if (this.openedAt !== undefined) {
          this.deps.log.info(`Episode preview: first frame of ${path.basename(this.file)} on screen ${(performance.now() - this.openedAt).toFixed(0)} ms after the command`);
          this.openedAt = undefined;
        }
        return;
      case 'flagEpisode': return void (await this.deps.flags.flag(this.file));
      case 'unflagEpisode': return this.deps.flags.unflag(this.file);
      case 'copyFrameIndex':
        await vscode.env.clipboard.writeText(String(message.index));
        vscode.window.setStatusBarMessage(`Copied frame index ${message.index}`, 3000);
        return;
      case 'saveFramePng': return this.saveFrame(message.index, message.png, message.label);
      case 'showOutput': return this.deps.log.show(true);
    }
  }

  /** On every `ready` (first load, and each time a hidden panel is shown again): the episode, then its first frame. */
  private async sendEpisode(): Promise<void> {
    let source: PreviewSource;
    try {
      source = await this.source!;
    } catch (error) {
      this.deps.log.error(`Episode preview of ${this.file}: ${describeError(error)}`);
      this.channel.post({ type: 'failed', message: describeError(error) });
      return;
    }
    if (source.episode.cameras.length === 0) {
      this.channel.post({ type: 'failed', message: `${path.basename(this.file)} has no cameras under /observations/images, so there is nothing to play. Check that it is a Flexiv/ALOHA episode.` });
      return;
    }
    const flag = (await this.deps.flags.get(this.file)) ?? null;
    this.channel.post({ type: 'episode', episode: { ...source.episode, flag }, initial: this.start, frameCacheMB: this.deps.settings.previewFrameCacheMB });
    this.feed?.reset();
    this.feed?.serveNow(Math.max(0, Math.min(source.episode.frameCount - 1, this.start.frame ?? 0)));
    // Validation samples frames: it runs once the first frame is on its way.
    setImmediate(() => {
      if (this.isDisposed) return;
      this.problems ??= this.validate(source);
      this.channel.post({ type: 'problems', problems: this.problems });
    });
  }

  private validate(source: PreviewSource): readonly PreviewProblem[] {
    try {
      return source.validate(this.deps.settings.datasetScanOptions);
    } catch (error) {
      this.deps.log.warn(`Validation of ${this.file} for its preview failed: ${describeError(error)}`);
      return source.episode.problems;
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
      void vscode.window.showErrorMessage(`Could not save ${target.fsPath}: ${describeError(error)}. Choose a folder you can write to.`);
    }
  }
}
