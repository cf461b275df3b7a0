// Posts a run's news to a chat webhook (Slack's incoming-webhook JSON, which Mattermost, Rocket.Chat and Discord's
// /slack endpoint also take), for runs that end while nobody watches the editor.
import { UserFacingError } from '../errors';

const TIMEOUT_MS = 10_000;

/** Checks a webhook address before it is stored: http(s) only, a host, no credentials shown in errors. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UserFacingError('That is not a web address.', 'Paste the webhook URL your chat service gave you.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UserFacingError(`A webhook address starts with https:// (not ${url.protocol}).`);
  return url;
}

/** Sends `{"text": text}`; throws a UserFacingError naming the host and the HTTP status when it is refused. */
export async function postWebhook(address: string, text: string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const url = parseWebhookUrl(address);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : 'unreachable';
    throw new UserFacingError(
      `The run notification webhook at ${url.host} is ${reason}.`,
      'Check the address with Set Run Notification Webhook, or your network.',
    );
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new UserFacingError(
      `The run notification webhook at ${url.host} refused the message (HTTP ${response.status}).`,
      'Check the address with Set Run Notification Webhook.',
    );
  }
}
