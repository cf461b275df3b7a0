// The Sample Preview sidebar view: the newest validation video of the selected run, or what to do first.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { SamplePreviewHostMessage, SamplePreviewViewMessage } from '../protocol/samplePreview';
import { WebviewChannel } from './webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from './webview/html';

export const SAMPLE_PREVIEW_VIEW_ID = 'ctrlWorld.samplePreview';

export class SamplePreviewView extends Disposable implements vscode.WebviewViewProvider {
  constructor(private readonly extensionUri: vscode.Uri) {
    super();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    const channel = this.register(new WebviewChannel<SamplePreviewHostMessage, SamplePreviewViewMessage>(view.webview, (message) => {
      if (message.type === 'startTraining') void vscode.commands.executeCommand('ctrlWorld.startTraining');
    }));
    view.webview.html = renderWebviewHtml({ webview: view.webview, extensionUri: this.extensionUri, bundle: 'samplePreview', title: 'Sample Preview' });
    channel.post({ type: 'empty', reason: 'No run is selected. Validation videos appear here while a run trains.' });
    view.onDidDispose(() => channel.dispose());
  }
}
