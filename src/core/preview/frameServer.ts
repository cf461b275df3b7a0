// Serves open previews' frame sets over HTTP on 127.0.0.1, for webviews that fetch them instead of receiving them as
// messages. In VS Code in the browser every message to a webview crosses the editor's own connection and is relayed
// twice by the page's main thread; at three cameras x 30 frames/s that relaying alone took the processor a 1x
// playback needs on two cores. A fetch streams beside it. Each episode gets an unguessable path, which is the only
// way in: the server lists nothing, takes nothing, and reads only frames of episodes open in a preview.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameImage, FrameSet } from '../../protocol/episodePreview';
import { encodeFrameBatch } from '../../protocol/frameBatch';
import { Disposable, toDisposable, type DisposableLike } from '../lifecycle';

/** Frame sets one request may ask for: a batch, not the episode. */
export const MAX_SETS_PER_REQUEST = 16;

export interface FrameRoute extends DisposableLike {
  /** The route's path on the server, with its secret. */
  readonly path: string;
}

/** Reads one frame set of the episode; undefined when it cannot be read (the feed logs why). */
export type FrameReader = (index: number) => FrameImage[] | undefined;

interface Episode {
  readonly read: FrameReader;
  readonly frameCount: number;
}

export class FrameServer extends Disposable {
  private readonly episodes = new Map<string, Episode>();

  private constructor(private readonly server: http.Server) {
    super();
    this.register(toDisposable(() => server.close()));
    server.on('request', (request, response) => this.answer(request, response));
  }

  /** Listens on a free port of the loopback interface only. */
  static async start(): Promise<FrameServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FrameServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Serves the episode's frame sets under a new secret path until the route is disposed. */
  serve(read: FrameReader, frameCount: number): FrameRoute {
    const secret = randomBytes(24).toString('base64url');
    this.episodes.set(secret, { read, frameCount });
    return { path: `/frames/${secret}`, dispose: () => this.episodes.delete(secret) };
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    // The webview's origin differs from the server's in desktop VS Code; the secret path, not the origin, is the key.
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Cache-Control', 'no-store');
    if (request.method === 'OPTIONS') {
      // A browser asks first before a page that is not itself on this machine's loopback (a desktop webview) reads
      // from it (Private Network Access); the answer grants only GET.
      response.setHeader('Access-Control-Allow-Methods', 'GET');
      response.setHeader('Access-Control-Allow-Private-Network', 'true');
      return void response.writeHead(204).end();
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const episode = /^\/frames\/([\w-]+)$/.exec(url.pathname)?.[1];
    const found = episode === undefined ? undefined : this.episodes.get(episode);
    if (request.method !== 'GET' || !found) return void response.writeHead(404).end();
    const indices = parseIndices(url.searchParams.get('i'), found.frameCount);
    if (!indices) return void response.writeHead(400).end();
    const sets: FrameSet[] = [];
    for (const index of indices) {
      const images = found.read(index);
      if (images) sets.push({ index, images });
    }
    const parts = encodeFrameBatch(sets);
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': parts.reduce((sum, part) => sum + part.byteLength, 0),
    });
    for (const part of parts) response.write(part);
    response.end();
  }
}

/** "3,4,5" → [3, 4, 5]; undefined unless every index is a frame of the episode and there are not too many. */
function parseIndices(text: string | null, frameCount: number): number[] | undefined {
  if (!text || !/^\d+(,\d+)*$/.test(text)) return undefined;
  const indices = text.split(',').map(Number);
  if (indices.length > MAX_SETS_PER_REQUEST || indices.some((index) => index >= frameCount)) return undefined;
  return indices;
}
