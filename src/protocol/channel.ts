// The handshake every webview shares: it says `ready` once its script runs, and the host holds messages until then
// (or posts them while a new document loads, into the page's mailbox).

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

/** The page's global where its mailbox script keeps messages posted before the bundle listens. */
export const EARLY_MESSAGES_GLOBAL = 'ctrlWorldEarlyMessages';
