// Sends typed messages to a webview, holding them until the webview's script says it is ready; the one error
// boundary of every webview's message handler, so no failure of one is lost.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { guarded } from '../../core/guard';
import { Disposable } from '../../core/lifecycle';
import { isTypedMessage, type TypedMessage } from '../../protocol/channel';

/** What happens when a handler throws or its promise rejects. */
export type MessageFailure = (error: unknown, message: TypedMessage) => void;

/** Logs a handler's failure and tells the user, with the log one click away. */
export function reportFailures(log: vscode.LogOutputChannel, view: string): MessageFailure {
  return (error, message) => {
    log.error(`${view}: handling "${message.type}" failed: ${describeError(error)}`);
    void vscode.window
      .showErrorMessage(`Ctrl-World ${view}: ${describeError(error)}`, 'Show Output')
      .then((choice) => choice && log.show());
  };
}

export class WebviewChannel<ToView extends TypedMessage, FromView extends TypedMessage> extends Disposable {
  private ready = false;
  private pending: ToView[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    onMessage: (message: FromView) => unknown,
    onFailure: MessageFailure,
  ) {
    super();
    const handle = guarded((message: FromView) => onMessage(message), onFailure);
    this.register(
      webview.onDidReceiveMessage((message: unknown) => {
        if (!isTypedMessage(message)) return;
        if (message.type === 'ready') {
          this.ready = true;
          for (const queued of this.pending.splice(0)) void this.webview.postMessage(queued);
        }
        handle(message as FromView);
      }),
    );
  }

  /** Whether the webview's script said it is ready since the document (re)loaded. */
  get isReady(): boolean {
    return this.ready;
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
