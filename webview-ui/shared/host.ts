// The webview's side of the typed channel: post to the extension, receive its messages, keep state across reloads.
import { EARLY_MESSAGES_GLOBAL, type TypedMessage } from '../../src/protocol/channel';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** What the page's mailbox script (src/views/webview/html.ts, `earlyMessages`) kept before the bundle listened. */
interface EarlyMessages {
  readonly messages: unknown[];
  readonly listener: (event: MessageEvent) => void;
}

export class HostChannel<FromHost extends TypedMessage, ToHost extends TypedMessage, State = unknown> {
  private readonly api = acquireVsCodeApi<State>();

  constructor(private readonly onMessage: (message: FromHost) => void) {}

  /**
   * Call once the page can take messages: listens from here on, after handing over any the host posted early, in
   * their order; the host holds its other messages until then.
   */
  ready(): void {
    const early = (globalThis as { [EARLY_MESSAGES_GLOBAL]?: EarlyMessages })[EARLY_MESSAGES_GLOBAL];
    if (early) {
      window.removeEventListener('message', early.listener);
      for (const message of early.messages.splice(0)) this.deliver(message as FromHost);
    }
    window.addEventListener('message', (event: MessageEvent<FromHost>) => this.onMessage(event.data));
    this.api.postMessage({ type: 'ready' });
  }

  /** One failing message must not keep the next ones from the page, as with messages delivered as events. */
  private deliver(message: FromHost): void {
    try {
      this.onMessage(message);
    } catch (error) {
      console.error(error);
    }
  }

  post(message: ToHost, transfer?: Transferable[]): void {
    // VS Code forwards transferables (ArrayBuffers) without copying when given as the second argument.
    (this.api.postMessage as (message: unknown, transfer?: Transferable[]) => void)(message, transfer);
  }

  get state(): State | undefined {
    return this.api.getState();
  }

  set state(state: State) {
    this.api.setState(state);
  }
}
