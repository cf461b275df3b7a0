// The Sample Preview sidebar view: the newest validation video of the selected run, fetched into the local cache
// and shown muted and looping with its step. While the view is visible it watches the run's output folder, so a
// new validation replaces the video as soon as its file is complete.
import * as vscode from 'vscode';
import { formatTime } from '../core/format';
import { Disposable } from '../core/lifecycle';
import { newestSample, sampleGroups, type OutputListing, type SampleFile } from '../core/training/outputs';
import type { SamplePreviewHostMessage, SamplePreviewViewMessage } from '../protocol/samplePreview';
import type { MonitoringServices } from '../training/monitoringServices';
import type { SelectedOutputs } from '../training/runSelection';
import { reportFailures, WebviewChannel } from './webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from './webview/html';
import { WebviewSamples } from './webview/webviewSamples';

export const SAMPLE_PREVIEW_VIEW_ID = 'ctrlWorld.samplePreview';

export class SamplePreviewView extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private channel: WebviewChannel<SamplePreviewHostMessage, SamplePreviewViewMessage> | undefined;
  private samples: WebviewSamples | undefined;
  private watch: vscode.Disposable | undefined;
  /** The sample on screen (or being fetched for it), so a refresh that changes nothing does nothing. */
  private showing: string | undefined;

  constructor(
    private readonly services: MonitoringServices,
    private readonly openGallery: () => void,
  ) {
    super();
    this.register(services.selection.onDidChange(() => this.selectionChanged()));
    this.register(
      services.outputs.onDidChange((folder) => {
        const selected = services.selection.current;
        if (selected && folder.host === selected.target.host && folder.dir === selected.outputDir) void this.update();
      }),
    );
    this.register({ dispose: () => this.watch?.dispose() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [...webviewResourceRoots(this.services.extensionUri), this.services.samples.cacheUri],
    };
    this.channel?.dispose();
    const channel = new WebviewChannel<SamplePreviewHostMessage, SamplePreviewViewMessage>(
      view.webview,
      (message) => this.receive(message),
      reportFailures(this.services.log, 'Sample Preview'),
    );
    this.channel = channel;
    this.samples = new WebviewSamples(view.webview, this.services.samples, {
      progress: (_key, fraction) => this.postLoading(fraction),
      ready: () => void this.update(),
      failed: (_key, message) =>
        this.post({
          type: 'waiting',
          run: this.services.selection.current?.label ?? '',
          text: message,
          level: 'warning',
        }),
    });
    view.webview.html = renderWebviewHtml({
      webview: view.webview,
      extensionUri: this.services.extensionUri,
      bundle: 'samplePreview',
      title: 'Sample Preview',
      bundleCss: true,
    });
    view.onDidChangeVisibility(() => this.selectionChanged());
    view.onDidDispose(() => {
      channel.dispose();
      this.watch?.dispose();
      this.watch = undefined;
      this.view = undefined;
    });
    this.selectionChanged();
  }

  private receive(message: SamplePreviewViewMessage): void {
    if (message.type === 'ready') {
      this.showing = undefined;
      void this.update();
    } else if (message.type === 'startTraining') void vscode.commands.executeCommand('ctrlWorld.startTraining');
    else if (message.type === 'openGallery') this.openGallery();
    else if (message.type === 'sampleFailed' && this.showing) void this.samples?.convert(this.showing);
  }

  private post(message: SamplePreviewHostMessage): void {
    this.channel?.post(message);
  }

  /** Watches the selected run's folder only while the view is visible. */
  private selectionChanged(): void {
    this.watch?.dispose();
    this.watch = undefined;
    this.showing = undefined;
    const selected = this.services.selection.current;
    if (this.view?.visible && selected)
      this.watch = this.services.outputs.watch({ host: selected.target.host, dir: selected.outputDir });
    void this.update();
  }

  private async update(): Promise<void> {
    const selected = this.services.selection.current;
    if (!this.view || !this.samples) return;
    if (!selected) {
      this.post({
        type: 'empty',
        reason: 'No run is selected. Select a run in the Runs view: its newest validation video plays here.',
      });
      return;
    }
    const folder = { host: selected.target.host, dir: selected.outputDir };
    const listing = this.services.outputs.cached(folder);
    const error = this.services.outputs.lastError(folder);
    if (!listing) {
      if (error)
        this.post({
          type: 'waiting',
          run: selected.label,
          text: `The output folder could not be read: ${error}`,
          level: 'warning',
        });
      else this.post({ type: 'waiting', run: selected.label, text: 'Looking for validation videos…', level: 'info' });
      return;
    }
    const sample = newestSample(listing.samples);
    if (!sample) {
      this.post({
        type: 'waiting',
        run: selected.label,
        text: 'No validation video yet. Ctrl-World writes one every validation_steps steps (samples/train_steps_<step>_<i>.mp4).',
        level: 'info',
      });
      return;
    }
    await this.samples.lookup(folder.host, [sample]);
    const src = this.samples.sources.get(sample.path);
    if (src) {
      this.showing = sample.path;
      this.post(this.sampleMessage(selected, listing, sample, src));
      return;
    }
    if (this.showing === sample.path) return;
    this.showing = sample.path;
    this.postLoading(0);
    await this.samples.fetch(folder.host, sample);
  }

  private postLoading(fraction: number): void {
    const selected = this.services.selection.current;
    const listing = selected && this.services.outputs.cached({ host: selected.target.host, dir: selected.outputDir });
    const sample = listing && newestSample(listing.samples);
    if (selected && sample) this.post({ type: 'loading', run: selected.label, step: sample.step, fraction });
  }

  private sampleMessage(
    selected: SelectedOutputs,
    listing: OutputListing,
    sample: SampleFile,
    src: string,
  ): SamplePreviewHostMessage {
    const count = sampleGroups(listing.samples).find((group) => group.step === sample.step)?.samples.length ?? 1;
    return {
      type: 'sample',
      run: selected.label,
      step: sample.step,
      index: sample.index,
      count,
      src,
      timeText: formatTime(sample.mtimeMs),
    };
  }
}
