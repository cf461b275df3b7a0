// Serves the Episode Preview's webview bundle to a plain Chromium page and plays the extension host's part with the
// real PreviewSession, over HTTP instead of VS Code's message passing: the webview's own speed, without VS Code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DEFAULT_SCAN_OPTIONS } from '../../src/core/dataset/types';
import { PreviewSession } from '../../src/core/preview/previewSession';
import type { EpisodePreviewHostMessage, EpisodePreviewViewMessage } from '../../src/protocol/episodePreview';
import { REPO_ROOT } from '../../test/support/fixtures';

/**
 * In the page, before the bundle: `acquireVsCodeApi` posts to the host in order (batched while a post is under way),
 * and a streamed response carries the host's messages, typed arrays as bytes, as `message` events like VS Code's.
 */
const PAGE_SHIM = String.raw`(() => {
  let state;
  let outbox = [];
  let sending = false;
  const flush = async () => {
    if (sending || outbox.length === 0) return;
    sending = true;
    const batch = outbox;
    outbox = [];
    await fetch('/to-host', { method: 'POST', body: JSON.stringify(batch) });
    sending = false;
    flush();
  };
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => { outbox.push(message); flush(); },
    getState: () => state,
    setState: (next) => { state = next; },
  });
  const text = new TextDecoder();
  const deliver = (record) => {
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    const jsonLength = view.getUint32(0, true);
    let offset = 4 + jsonLength;
    const count = view.getUint32(offset, true);
    offset += 4;
    const buffers = [];
    for (let i = 0; i < count; i++) {
      const length = view.getUint32(offset, true);
      offset += 4;
      buffers.push(record.slice(offset, offset + length).buffer);
      offset += length;
    }
    const data = JSON.parse(text.decode(record.subarray(4, 4 + jsonLength)),
      (key, value) => (value && typeof value === 'object' && '$buffer' in value ? new globalThis[value.$type](buffers[value.$buffer]) : value));
    window.dispatchEvent(new MessageEvent('message', { data }));
  };
  (async () => {
    const reader = (await fetch('/from-host')).body.getReader();
    let pending = new Uint8Array(0);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const joined = new Uint8Array(pending.length + value.length);
      joined.set(pending);
      joined.set(value, pending.length);
      pending = joined;
      while (pending.length >= 4) {
        const size = new DataView(pending.buffer, pending.byteOffset).getUint32(0, true);
        if (pending.length < 4 + size) break;
        deliver(pending.subarray(4, 4 + size));
        pending = pending.slice(4 + size);
      }
    }
  })();
})();`;

const PAGE = (title: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>${title}</title>
<link rel="stylesheet" href="/dist/webview/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/media/webview.css">
<link rel="stylesheet" href="/dist/webview/episodePreview.css">
</head><body><div id="app" role="main"></div>
<script src="/shim.js"></script>
<script type="module" src="/dist/webview/episodePreview.js"></script>
</body></html>`;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

/** One record of the stream: length, JSON with typed arrays replaced by references, then those arrays' bytes. */
function encode(message: EpisodePreviewHostMessage): Buffer {
  const buffers: Buffer[] = [];
  const json = Buffer.from(
    JSON.stringify(message, (_key, value: unknown) => {
      if (!ArrayBuffer.isView(value)) return value;
      buffers.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      return { $buffer: buffers.length - 1, $type: value.constructor.name };
    }),
  );
  const parts = [
    u32(json.length),
    json,
    u32(buffers.length),
    ...buffers.flatMap((buffer) => [u32(buffer.length), buffer]),
  ];
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length), body]);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

export interface PreviewHost {
  readonly url: string;
  close(): Promise<void>;
}

/** Each load of the page is a new preview of `episodeFile`, as a command opening a panel would make. */
export async function startPreviewHost(episodeFile: string): Promise<PreviewHost> {
  let session: PreviewSession | undefined;
  let stream: ServerResponse | undefined;
  let outbox: Buffer[] = [];
  const post = (message: EpisodePreviewHostMessage) => {
    if (stream) stream.write(encode(message));
    else outbox.push(encode(message));
  };
  const log = {
    info: () => undefined,
    warn: (message: string) => console.warn(message),
    error: (message: string) => console.error(message),
  };
  const server = createServer(
    (request, response) =>
      void handle(request, response).catch((error: unknown) => {
        console.error(`preview host: ${request.url}: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      }),
  );
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    if (url === '/') {
      session?.dispose();
      stream?.end();
      stream = undefined;
      outbox = [];
      session = new PreviewSession(
        episodeFile,
        {},
        {
          post,
          log,
          flag: async () => null,
          scanOptions: () => DEFAULT_SCAN_OPTIONS,
          rawColorOrder: () => 'rgb',
          frameCacheMB: () => 256,
        },
      );
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(path.basename(episodeFile)));
    } else if (url === '/shim.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(PAGE_SHIM);
    } else if (url === '/from-host') {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
      stream = response;
      for (const record of outbox.splice(0)) response.write(record);
    } else if (url === '/to-host') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      response.writeHead(204).end();
      for (const message of JSON.parse(Buffer.concat(chunks).toString('utf8')) as EpisodePreviewViewMessage[])
        dispatch(message);
    } else if (url.startsWith('/dist/webview/') || url.startsWith('/media/')) {
      const file = path.join(REPO_ROOT, path.normalize(url.split('?')[0]!).replace(/^\/+/, ''));
      response
        .writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' })
        .end(await readFile(file));
    } else {
      response.writeHead(404).end();
    }
  }
  function dispatch(message: EpisodePreviewViewMessage): void {
    if (message.type === 'ready') void session?.sendEpisode();
    else if (message.type === 'want') session?.want(message.indices, message.replace);
    else if (message.type === 'received') session?.received(message.count);
    else if (message.type === 'firstPaint') session?.firstFrameShown();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      session?.dispose();
      stream?.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
