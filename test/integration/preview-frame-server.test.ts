// The Episode Preview's frames over HTTP: a real PreviewSession on h5py-written episodes serves its frame sets through
// the FrameServer on 127.0.0.1, and the webview's FrameFetcher (on node's fetch, as in the browser) gets the bytes the
// file holds; the server answers nothing but the secret path of an open episode, and the fetcher falls back to
// messages when the server cannot be reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { FrameServer, MAX_SETS_PER_REQUEST } from '../../src/core/preview/frameServer';
import { openPreviewSource } from '../../src/core/preview/episodeSource';
import { PreviewSession } from '../../src/core/preview/previewSession';
import type { EpisodePreviewHostMessage, FrameImage, FrameSet } from '../../src/protocol/episodePreview';
import { decodeFrameBatch } from '../../src/protocol/frameBatch';
import { FrameFetcher } from '../../webview-ui/episodePreview/frameFetcher';
import { tempDir, writeEpisodes } from '../support/fixtures';
import { testSessionHost } from '../support/previewSessionHost';

let dir: string;
let cleanup: () => Promise<void>;
let server: FrameServer;
const FRAMES = 40;

before(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeEpisodes(dir, [
    { path: 'jpeg.hdf5', frames: FRAMES, height: 48, width: 64, frame_code: true },
    { path: 'raw.hdf5', frames: 6, height: 20, width: 30, encoding: 'raw', frame_code: true },
  ]);
  server = await FrameServer.start();
});
after(async () => {
  server?.dispose();
  await cleanup?.();
});

function sessionOf(file: string, posted: EpisodePreviewHostMessage[]): PreviewSession {
  return new PreviewSession(
    path.join(dir, file),
    {},
    testSessionHost(posted, {
      serveFrames: async (read, frameCount) => {
        const route = server.serve(read, frameCount);
        return { url: `http://127.0.0.1:${server.port}${route.path}`, dispose: () => route.dispose() };
      },
    }),
  );
}

/** The frame server's URL as the session gives it to the webview: in the episode message or the one after it. */
async function frameUrlOf(session: PreviewSession, posted: EpisodePreviewHostMessage[]): Promise<string> {
  await session.sendEpisode();
  for (let i = 0; i < 200; i++) {
    for (const message of posted) {
      if (message.type === 'episode' && message.frameUrl) return message.frameUrl;
      if (message.type === 'frameUrl') return message.url;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no frame URL was posted: ${posted.map((message) => message.type).join(', ')}`);
}

function fetchAll(url: string, wanted: number[][]): Promise<{ sets: Map<number, FrameSet> }> {
  const sets = new Map<number, FrameSet>();
  const total = new Set(wanted.flat()).size;
  return new Promise((resolve, reject) => {
    const fetcher = new FrameFetcher(
      url,
      (set) => {
        sets.set(set.index, set);
        if (sets.size === total) resolve({ sets });
      },
      (indices, _replace, reason) => reject(new Error(`fell back to messages for ${indices.join(',')}: ${reason}`)),
    );
    for (const indices of wanted) fetcher.want(indices, false);
  });
}

const bytesOf = (image: FrameImage | undefined) => (image && 'bytes' in image ? Buffer.from(image.bytes) : undefined);

test('the webview fetches frame sets from the session: every camera has the bytes the file holds', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = sessionOf('jpeg.hdf5', posted);
  try {
    const url = await frameUrlOf(session, posted);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/frames\/[\w-]{32}$/);
    const wanted = Array.from({ length: FRAMES }, (_, index) => index);
    const { sets } = await fetchAll(url, [wanted.slice(0, 10), wanted.slice(10)]);
    const source = await openPreviewSource(path.join(dir, 'jpeg.hdf5'), { defaultFps: 30, rawColorOrder: 'rgb' });
    try {
      for (const index of wanted) {
        const direct = source.readFrameSet(index);
        const fetched = sets.get(index)!;
        assert.equal(fetched.images.length, 3);
        fetched.images.forEach((image, camera) => {
          assert.equal(image.kind, direct[camera]!.kind);
          assert.deepEqual(bytesOf(image), bytesOf(direct[camera]), `frame ${index}, camera ${camera}`);
        });
      }
    } finally {
      source.close();
    }
  } finally {
    session.dispose();
  }
});

test('raw frames keep their size through the batch', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = sessionOf('raw.hdf5', posted);
  try {
    const { sets } = await fetchAll(await frameUrlOf(session, posted), [[5, 0]]);
    const image = sets.get(5)!.images[0]!;
    assert.equal(image.kind, 'raw');
    assert.deepEqual(image.kind === 'raw' && [image.width, image.height, image.bytes.byteLength], [
      30,
      20,
      30 * 20 * 3,
    ]);
  } finally {
    session.dispose();
  }
});

test('the server answers only the secret path of an open episode, with whole frame indices of it, to GET', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = sessionOf('jpeg.hdf5', posted);
  const url = await frameUrlOf(session, posted);
  const status = async (target: string, init?: RequestInit) => (await fetch(target, init)).status;
  try {
    assert.equal(await status(`${url}?i=0,1`), 200);
    const base = `http://127.0.0.1:${server.port}`;
    assert.equal(await status(`${base}/frames/not-the-secret?i=0`), 404);
    assert.equal(await status(`${base}/`), 404);
    assert.equal(await status(`${url}?i=0`, { method: 'POST' }), 404);
    const preflight = await fetch(`${url}?i=0`, {
      method: 'OPTIONS',
      headers: { 'Access-Control-Request-Private-Network': 'true', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-private-network'), 'true');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET');
    assert.equal(await status(`${url}?i=${FRAMES}`), 400, 'past the last frame');
    assert.equal(await status(`${url}?i=-1`), 400);
    assert.equal(await status(`${url}?i=1.5`), 400);
    assert.equal(await status(`${url}?i=../etc/passwd`), 400);
    assert.equal(await status(url), 400);
    const tooMany = Array.from({ length: MAX_SETS_PER_REQUEST + 1 }, (_, index) => index).join(',');
    assert.equal(await status(`${url}?i=${tooMany}`), 400);
    const batch = decodeFrameBatch(await (await fetch(`${url}?i=7,2`)).arrayBuffer());
    assert.deepEqual(
      batch.map((set) => set.index),
      [7, 2],
      'in the order asked',
    );
  } finally {
    session.dispose();
  }
  assert.equal(await status(`${url}?i=0`), 404, 'a closed preview is served no more');
});

test('a seek cancels what is on its way, and the new position still arrives', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = sessionOf('jpeg.hdf5', posted);
  try {
    const url = await frameUrlOf(session, posted);
    const arrived: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const fetcher = new FrameFetcher(
        url,
        (set) => {
          arrived.push(set.index);
          if (set.index === 30) resolve();
        },
        (_indices, _replace, reason) => reject(new Error(`fell back: ${reason}`)),
      );
      fetcher.want([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], false);
      fetcher.want([30], true);
    });
    // What was queued behind the requests on their way was dropped by the seek.
    for (const index of [8, 9, 10, 11]) assert.ok(!arrived.includes(index), `frame ${index} came after the seek`);
  } finally {
    session.dispose();
  }
});

test('when the server cannot be reached, every wanted frame is asked for by message, the reason said once', async () => {
  const gone = await FrameServer.start();
  const url = `http://127.0.0.1:${gone.port}/frames/${'x'.repeat(32)}`;
  gone.dispose();
  const asked: Array<{ indices: number[]; replace: boolean; reason?: string }> = [];
  const fetcher = new FrameFetcher(
    url,
    () => assert.fail('nothing can arrive'),
    (indices, replace, reason) => asked.push({ indices, replace, reason }),
  );
  fetcher.want([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], false);
  for (let i = 0; i < 200 && asked.flatMap((ask) => ask.indices).length < 10; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(
    asked.flatMap((ask) => ask.indices).sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(asked.filter((ask) => ask.reason !== undefined).length, 1, 'the reason is given once');
  asked.length = 0;
  fetcher.want([20], true);
  assert.deepEqual(asked, [{ indices: [20], replace: true, reason: undefined }], 'later wants go by message at once');
});

test('a request the server holds without answering counts as failed: the frames are asked for by message', async () => {
  const held: http.ServerResponse[] = [];
  const silent = http.createServer((_request, response) => held.push(response));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  try {
    const asked = await new Promise<{ indices: number[]; reason?: string }>((resolve) => {
      const fetcher = new FrameFetcher(
        `http://127.0.0.1:${port}/frames/${'x'.repeat(32)}`,
        () => assert.fail('nothing can arrive'),
        (indices, _replace, reason) => resolve({ indices, reason }),
        300,
      );
      fetcher.want([5, 6], false);
    });
    assert.deepEqual(asked, { indices: [5, 6], reason: 'no answer within 300 ms' });
  } finally {
    for (const response of held) response.destroy();
    silent.close();
  }
});
