// The Converted Episode panel: one annotation's states as curves against stat.json's range, reused for every
// episode opened from the tree, and restored after a reload from the target the webview keeps.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposable } from '../../core/lifecycle';
import { describeError } from '../../core/errors';
import type { Annotation, SampleEntry, StatJson } from '../../core/convert';
import { readJson } from '../../core/convert/check/report';
import type { ConvertedFiles } from '../../core/convert/check/files';
import { remoteFileUri } from '../remoteFiles';
import {
  CONVERTED_EPISODE_VIEW_TYPE,
  type ConvertedEpisodeHostMessage,
  type ConvertedEpisodeTarget,
  type ConvertedEpisodeViewMessage,
} from '../../protocol/convertedEpisode';
import { reportFailures, WebviewChannel } from '../webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from '../webview/html';

const DIMENSIONS = ['x', 'y', 'z', 'rotation 1', 'rotation 2', 'rotation 3', 'gripper'];

export class ConvertedEpisodePanel extends Disposable implements vscode.WebviewPanelSerializer<ConvertedEpisodeTarget> {
  private panel: vscode.WebviewPanel | undefined;
  private channel: WebviewChannel<ConvertedEpisodeHostMessage, ConvertedEpisodeViewMessage> | undefined;
  private target: ConvertedEpisodeTarget | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly filesFor: (target: ConvertedEpisodeTarget) => ConvertedFiles | undefined,
  ) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(CONVERTED_EPISODE_VIEW_TYPE, this));
    this.register({ dispose: () => this.panel?.dispose() });
  }

  async show(target: ConvertedEpisodeTarget): Promise<void> {
    if (!this.panel)
      this.attach(
        vscode.window.createWebviewPanel(CONVERTED_EPISODE_VIEW_TYPE, 'Converted Episode', vscode.ViewColumn.Active, {
          retainContextWhenHidden: false,
        }),
      );
    else this.panel.reveal();
    await this.load(target);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: ConvertedEpisodeTarget | undefined): Promise<void> {
    this.panel?.dispose();
    this.attach(panel);
    if (state?.file) await this.load(state);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'ctrl-world.svg');
    const channel = new WebviewChannel<ConvertedEpisodeHostMessage, ConvertedEpisodeViewMessage>(
      panel.webview,
      (message) => {
        const target = this.target;
        if (message.type === 'openAnnotation' && target)
          return vscode.window.showTextDocument(
            target.host ? remoteFileUri(target.host, target.file) : vscode.Uri.file(target.file),
          );
        return undefined;
      },
      reportFailures(this.log, 'Converted Episode'),
    );
    this.channel = channel;
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: this.extensionUri,
      bundle: 'convertedEpisode',
      title: 'Converted Episode',
      bundleCss: true,
    });
    panel.onDidChangeViewState(() => {
      if (!panel.visible) channel.reset();
      else if (this.target) void this.load(this.target);
    });
    panel.onDidDispose(() => {
      channel.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private async load(target: ConvertedEpisodeTarget): Promise<void> {
    this.target = target;
    const id = path.basename(target.file, '.json');
    if (this.panel) this.panel.title = `Episode ${id} · states`;
    try {
      const files = this.filesFor(target);
      if (!files)
        throw new Error(`${target.file} on ${target.host} has not been read yet; run "Check Converted Data" first`);
      const read = await readJson<Partial<Annotation>>(files, target.file);
      const annotation = read.value;
      if (!annotation) throw new Error(`${target.file} cannot be read: ${read.error}`);
      if (!Array.isArray(annotation.states)) throw new Error(`${target.file} has no "states"`);
      const stat = (await readJson<StatJson>(files, target.statFile)).value;
      const samples = target.samplesFile ? (await readJson<SampleEntry[]>(files, target.samplesFile)).value : undefined;
      const source = annotation.source;
      const width = annotation.states[0]?.length ?? 7;
      this.channel?.post({
        type: 'episode',
        target,
        title: `Episode ${id}`,
        subtitle: [
          annotation.texts?.[0] ? `"${annotation.texts[0]}"` : 'no task text',
          source && `${source.file}, ${source.fps} Hz, stride ${source.stride}`,
        ]
          .filter(Boolean)
          .join(' · '),
        states: annotation.states,
        stat:
          stat && Array.isArray(stat.state_01) && Array.isArray(stat.state_99)
            ? { low: stat.state_01, high: stat.state_99 }
            : undefined,
        sampleStarts: (Array.isArray(samples) ? samples : [])
          .filter((sample) => String(sample.episode_id) === id)
          .map((sample) => sample.frame_ids[0]!),
        dimensionNames: Array.from({ length: width }, (_, d) =>
          `state[${d}] ${width === DIMENSIONS.length ? DIMENSIONS[d] : ''}`.trim(),
        ),
      });
    } catch (error) {
      this.log.error(`Converted Episode: ${describeError(error)}`);
      this.channel?.post({
        type: 'error',
        target,
        message: `${describeError(error)}. Convert the dataset again if the annotation is damaged.`,
      });
    }
  }
}
