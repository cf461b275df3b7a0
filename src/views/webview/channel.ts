// Sends typed messages to a webview, holding them until the webview's script says it is ready (or sending them while
// a new document loads); the one error boundary of every webview's message handler, so no failure of one is lost.
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

/**
 * `held`: messages wait for the page's `ready`. `early`: the document now loading takes them at once (see
 * `acceptEarly`). `ready`: the page listens.
 */
type ChannelState = 'held' | 'early' | 'ready';

export class WebviewChannel<ToView extends TypedMessage, FromView extends TypedMessage> extends Disposable {
  private state: ChannelState = 'held';
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
          this.state = 'ready';
          for (const queued of this.pending.splice(0)) void this.webview.postMessage(queued);
        }
        handle(message as FromView);
      }),
    );
  }

  /** Whether the webview's script said it is ready since the document (re)loaded. */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** A reload of the webview's document (it was hidden and revived) starts the handshake again. */
  reset(): void {
    this.state = 'held';
  }

  /**
   * Call right after setting the HTML of a page rendered with `earlyMessages`: the document it loads takes messages
   * at once, so they travel while it loads instead of after its `ready`. VS Code keeps them, in order behind the
   * HTML, until that document has loaded, and the page's mailbox keeps those it delivers before the bundle listens
   * (see renderWebviewHtml). Only for a document loading from HTML set now: a hidden webview VS Code revives later
   * drops what was posted meanwhile, which is why `reset` holds messages again.
   */
  acceptEarly(): void {
    if (this.state === 'held') this.state = 'early';
  }

  post(message: ToView): void {
    if (this.state === 'held') this.pending.push(message);
    else void this.webview.postMessage(message);
  }
}
