// Sends typed messages to a webview, holding them until the webview's script says it is ready.
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { isTypedMessage, type TypedMessage } from '../../protocol/channel';

export class WebviewChannel<ToView extends TypedMessage, FromView extends TypedMessage> extends Disposable {
  private ready = false;
  private pending: ToView[] = [];

  constructor(private readonly webview: vscode.Webview, onMessage: (message: FromView) => void) {
    super();
    this.register(webview.onDidReceiveMessage((message: unknown) => {
      if (!isTypedMessage(message)) return;
      if (message.type === 'ready') {
        this.ready = true;
        for (const queued of this.pending.splice(0)) void this.webview.postMessage(queued);
      }
      onMessage(message as FromView);
    }));
  }

  /** A reload of the webview's document (it was hidden and revived) starts the handshake again. */
  reset(): void {
    this.ready = false;
  }

  post(message: ToView): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.pending.push(message);
  }
}
