// The webview's side of the typed channel: post to the extension, receive its messages, keep state across reloads.
import type { TypedMessage } from '../../src/protocol/channel';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export class HostChannel<FromHost extends TypedMessage, ToHost extends TypedMessage, State = unknown> {
  private readonly api = acquireVsCodeApi<State>();

  constructor(onMessage: (message: FromHost) => void) {
    window.addEventListener('message', (event: MessageEvent<FromHost>) => onMessage(event.data));
  }

  /** Call once listeners are in place: the host holds its messages until then. */
  ready(): void {
    this.api.postMessage({ type: 'ready' });
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
