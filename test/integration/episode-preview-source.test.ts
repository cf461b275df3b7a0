// What the Episode Preview's host side reads from h5py-written episodes and sends: cameras, plots, problems with
// frames, frame sets, and the session's messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { openPreviewSource, type PreviewSource } from '../../src/core/preview/episodeSource';
import { Hdf5Error } from '../../src/core/hdf5';
import { PreviewSession } from '../../src/core/preview/previewSession';
import { DEFAULT_FEED_LIMITS } from '../../src/core/preview/frameFeed';
import type { EpisodePreviewHostMessage, FrameImage } from '../../src/protocol/episodePreview';
import { testSessionHost } from '../support/previewSessionHost';
import { SYSTEM_PYTHON, runProcess, tempDir, writeEpisodes } from '../support/fixtures';
import { frameCodeOfRgb, frameCodeSamplePoints, decodeFrameCode } from '../support/frameCode';

let dir: string;
let cleanup: () => Promise<void>;
const options = { defaultFps: 30, rawColorOrder: 'rgb' as const };

before(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeEpisodes(dir, [
    {
      path: 'jpeg.hdf5',
      frames: 30,
      height: 48,
      width: 64,
      frame_code: true,
      nan_in: { action: [5, 6, 7], qpos: [29] },
      camera_frames: { cam_right_wrist: 20 },
      corrupt_jpeg_frames: [3],
    },
    {
      path: 'raw.hdf5',
      frames: 12,
      height: 40,
      width: 160,
      encoding: 'raw',
      compression: 'lzf',
      frame_code: true,
      fps_attr: 15,
    },
    { path: 'not-hdf5.hdf5', not_hdf5: true },
  ]);
});
after(() => cleanup?.());

async function withSource<T>(name: string, use: (source: PreviewSource) => Promise<T> | T): Promise<T> {
  const source = await openPreviewSource(path.join(dir, name), options);
  try {
    return await use(source);
  } finally {
    source.close();
  }
}

/** Decodes JPEG bytes with PIL (Debian's python3) and returns the frame code drawn in them. */
async function jpegFrameCode(image: FrameImage, width: number, height: number): Promise<number> {
  assert.equal(image.kind, 'jpeg');
  const file = path.join(dir, `frame-${Math.random().toString(36).slice(2)}.jpg`);
  await writeFile(file, (image as { bytes: Uint8Array }).bytes);
  const points = JSON.stringify(frameCodeSamplePoints(width, height));
  const script = `import json,sys\nfrom PIL import Image\nim=Image.open(sys.argv[1]).convert('L')\nprint(json.dumps([im.getpixel(tuple(p)) for p in json.loads(sys.argv[2])]))`;
  return decodeFrameCode(JSON.parse(await runProcess(SYSTEM_PYTHON, ['-c', script, file, points])) as number[]);
}

test('the episode lists its cameras, plotted arrays, fps and the frames of its problems', async () => {
  await withSource('jpeg.hdf5', ({ episode }) => {
    assert.equal(episode.name, 'jpeg.hdf5');
    assert.equal(episode.frameCount, 30);
    assert.equal(episode.fps, 30, 'no fps attribute: the default');
    assert.deepEqual(
      episode.cameras.map((c) => [c.name, c.frames, c.width, c.height, c.encoding]),
      [
        ['cam_high', 30, 64, 48, 'jpeg'],
        ['cam_left_wrist', 30, 64, 48, 'jpeg'],
        ['cam_right_wrist', 20, 64, 48, 'jpeg'],
      ],
    );
    assert.deepEqual(
      episode.series.map((s) => [s.name, s.values.length, s.dimensions]),
      [
        ['qpos', 30 * 7, 7],
        ['action', 30 * 7, 7],
      ],
    );
    assert.ok(Number.isNaN(episode.series[1]!.values[6 * 7]!), 'action[6][0] is the NaN the file holds');
    const ranges = episode.problems.map((p) => [p.frames?.first, p.frames?.last, p.severity]);
    assert.deepEqual(ranges, [
      [29, 29, 'error'],
      [5, 7, 'error'],
      [20, 29, 'warning'],
    ]);
    assert.match(episode.problems[1]!.message, /^action holds NaN in frames 5–7 \(dimension 0\)\.$/);
    assert.match(episode.problems[2]!.message, /cam_right_wrist has 20 frames, the episode 30/);
  });
  await withSource('raw.hdf5', ({ episode }) => assert.equal(episode.fps, 15, 'the fps attribute wins'));
});

test('validation adds the dataset checks without repeating the NaN rows it already located', async () => {
  await withSource('jpeg.hdf5', (source) => {
    const problems = source.validate({ defaultFps: 30, actionDim: 7, jpegSampleFrames: 8, checkSeconds: 5 });
    const messages = problems.map((problem) => problem.message);
    assert.ok(
      messages.some((message) =>
        /frame counts differ: cam_high 30, cam_left_wrist 30, cam_right_wrist 20/.test(message),
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((message) => /frame 3 .*not a valid JPEG|not a valid JPEG.*frame 3/i.test(message)),
      'the sampled corrupt JPEG is reported',
    );
    assert.equal(
      messages.filter((message) => /action (has|holds) NaN/.test(message)).length,
      1,
      'NaN in action is listed once, with its frames',
    );
    assert.deepEqual(
      problems.filter((problem) => problem.frames).map((problem) => problem.frames),
      [
        { first: 29, last: 29 },
        { first: 5, last: 7 },
        { first: 20, last: 29 },
      ],
    );
  });
});

test('a frame set holds every camera at the same index, read from the file', async () => {
  await withSource('jpeg.hdf5', async (source) => {
    for (const index of [0, 17]) {
      const images = source.readFrameSet(index);
      assert.equal(images.length, 3);
      for (const image of images) assert.equal(await jpegFrameCode(image, 64, 48), index, `frame ${index}`);
    }
    const tail = source.readFrameSet(25);
    assert.equal(tail[2]!.kind, 'missing');
    assert.match((tail[2] as { message: string }).message, /cam_right_wrist has only 20 frames/);
    const corrupt = source.readFrameSet(3);
    assert.ok(
      corrupt.every((image) => image.kind === 'missing'),
      'a corrupt JPEG becomes a visible reason, not garbage',
    );
    assert.match((corrupt[0] as { message: string }).message, /frame 3 of camera cam_high is not a valid JPEG/);
    const bytes = (source.readFrameSet(1)[0] as { bytes: Uint8Array }).bytes;
    assert.equal(bytes.byteOffset, 0);
    assert.equal(
      bytes.buffer.byteLength,
      bytes.byteLength,
      'only the JPEG bytes travel to the webview, not the padded row',
    );
  });
  await withSource('raw.hdf5', (source) => {
    const images = source.readFrameSet(11);
    for (const image of images) {
      assert.equal(image.kind, 'raw');
      const raw = image as { bytes: Uint8Array; width: number; height: number };
      assert.deepEqual([raw.width, raw.height, raw.bytes.length], [160, 40, 160 * 40 * 3]);
      assert.equal(frameCodeOfRgb(raw.bytes, 160, 40), 11);
    }
  });
});

test('a file that is not an episode fails with a message naming it', async () => {
  await assert.rejects(
    openPreviewSource(path.join(dir, 'not-hdf5.hdf5'), options),
    (error: unknown) => error instanceof Hdf5Error && error.message.includes('not-hdf5.hdf5'),
  );
});

test('a preview session sends the episode, its first frame and then its problems; frames go out as acknowledged', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = new PreviewSession(
    path.join(dir, 'jpeg.hdf5'),
    { frame: 12 },
    testSessionHost(posted, {
      flag: async () => ({ reason: 'blocked camera', flaggedAt: '2026-01-01T00:00:00.000Z' }),
    }),
  );
  try {
    await session.sendEpisode();
    session.firstFrameShown();
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until(() => posted.some((message) => message.type === 'problems'));
    assert.deepEqual(
      posted.map((message) => message.type),
      ['episode', 'frames', 'problems'],
    );
    const episode = posted[0] as Extract<EpisodePreviewHostMessage, { type: 'episode' }>;
    assert.equal(episode.episode.flag?.reason, 'blocked camera', 'the flag comes from the sidecar, not the file');
    assert.equal(episode.frameCacheMB, 128);
    const indices = () =>
      posted.flatMap((message) => (message.type === 'frames' ? message.sets.map((set) => set.index) : []));
    assert.deepEqual(indices(), [12], 'the first frame sent is the one asked for');
    posted.length = 0;
    session.want(
      Array.from({ length: 30 }, (_, i) => i),
      false,
    );
    const limit = DEFAULT_FEED_LIMITS.inFlight;
    await until(() => indices().length >= limit - 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(
      indices().length,
      limit - 1,
      `${limit} frame sets unacknowledged (the first frame among them): the rest waits`,
    );
    // The webview acknowledges what it got, a window at a time, until the rest has come.
    for (let acknowledged = 0; acknowledged < 30 && indices().length < 30;) {
      const got = indices().length + 1;
      session.received(got - acknowledged);
      acknowledged = got;
      await until(() => indices().length >= Math.min(30, got + limit - 1));
    }
    assert.deepEqual(
      indices(),
      Array.from({ length: 30 }, (_, i) => i),
    );
  } finally {
    session.dispose();
  }
});

test('a preview session of a file that is not an episode answers ready with the reason', async () => {
  const posted: EpisodePreviewHostMessage[] = [];
  const session = new PreviewSession(path.join(dir, 'not-hdf5.hdf5'), {}, testSessionHost(posted));
  await session.sendEpisode();
  session.dispose();
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.type, 'failed');
  assert.match((posted[0] as { message: string }).message, /not-hdf5\.hdf5 is not an HDF5 file/);
});

test('raw frames stored BGR show swapped until the preview reads them as BGR', async () => {
  await writeEpisodes(dir, [{ path: 'bgr.hdf5', frames: 4, height: 8, width: 12, encoding: 'raw', raw_bgr: true }]);
  const script =
    'import h5py,sys,json\nf=h5py.File(sys.argv[1],"r")\nprint(json.dumps(f["observations/images/cam_high"][2].ravel().tolist()))';
  const stored = JSON.parse(await runProcess(SYSTEM_PYTHON, ['-c', script, path.join(dir, 'bgr.hdf5')])) as number[];
  const rgbOrder = Array.from({ length: stored.length }, (_, i) => stored[i - (i % 3) + 2 - (i % 3)]!);
  for (const [order, expected] of [
    ['rgb', stored],
    ['bgr', rgbOrder],
  ] as const) {
    const source = await openPreviewSource(path.join(dir, 'bgr.hdf5'), { defaultFps: 30, rawColorOrder: order });
    try {
      assert.equal(source.episode.cameras[0]!.colorOrder, order);
      const image = source.readFrameSet(2)[0]!;
      assert.equal(image.kind, 'raw');
      assert.deepEqual(Array.from((image as { bytes: Uint8Array }).bytes), expected, `read as ${order}`);
    } finally {
      source.close();
    }
  }
});
