// The handshake every webview shares: it says `ready` once its script runs, and the host holds messages until then.

export interface ReadyMessage {
  readonly type: 'ready';
}

/** A message union is any set of objects discriminated by `type`. */
export interface TypedMessage {
  readonly type: string;
}

export function isTypedMessage(value: unknown): value is TypedMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
