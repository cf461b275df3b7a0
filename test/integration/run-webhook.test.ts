// Run news to a chat webhook: the JSON a Slack-compatible endpoint takes, posted to a real HTTP server on 127.0.0.1,
// and clear errors for a refusal, a dead address and a wrong scheme.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookUrl, postWebhook } from '../../src/core/notify/webhook';

const received: Array<{ method?: string; type?: string; body: string }> = [];
let status = 200;
const server = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received.push({ method: request.method, type: request.headers['content-type'], body });
    response.writeHead(status).end(status === 200 ? 'ok' : 'invalid_token');
  });
});
const listening = new Promise<number>((resolve) =>
  server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
);
after(() => server.close());

test('a run end is posted as {"text": …} JSON', async () => {
  const port = await listening;
  await postWebhook(`http://127.0.0.1:${port}/services/T0/B0/secret`, 'Ctrl-World: run_a on gpu-1 failed at step 7.');
  assert.deepEqual(received.at(-1), {
    method: 'POST',
    type: 'application/json',
    body: JSON.stringify({ text: 'Ctrl-World: run_a on gpu-1 failed at step 7.' }),
  });
});

test('a refusal names the host and the status, never the token in the path', async () => {
  const port = await listening;
  status = 403;
  try {
    await assert.rejects(postWebhook(`http://127.0.0.1:${port}/services/T0/B0/secret`, 'x'), (error: Error) => {
      assert.match(error.message, new RegExp(`webhook at 127\\.0\\.0\\.1:${port} refused the message \\(HTTP 403\\)`));
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  } finally {
    status = 200;
  }
});

test('an address nothing listens on is unreachable; a non-web address is refused before sending', async () => {
  const closed = createServer();
  const port = await new Promise<number>((resolve) =>
    closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)),
  );
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(postWebhook(`http://127.0.0.1:${port}/hook`, 'x'), /webhook at 127\.0\.0\.1:\d+ is unreachable/);
  assert.throws(() => parseWebhookUrl('file:///etc/passwd'), /starts with https:\/\//);
  assert.throws(() => parseWebhookUrl('hooks.slack.com/x'), /not a web address/);
});
