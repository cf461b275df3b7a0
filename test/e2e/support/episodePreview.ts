// Driving and reading an Episode Preview in code-server: find its webview, read its counters and its canvases.
import type { Frame, Page } from 'playwright-core';
import { decodeFrameCode, frameCodeSamplePoints } from '../../support/frameCode';

/** What the preview exposes on its root element (data-* attributes) for tests and the benchmark. */
export interface PreviewCounters {
  readonly painted: number;
  readonly frame: number;
  readonly cameraFrames: number[];
  readonly playing: boolean;
  readonly stalls: number;
  readonly cached: number;
  readonly seekMs: number;
  /** Frame sets fetched from the extension's frame server. */
  readonly fetchedSets: number;
}

/** The webview document of the Episode Preview showing `episodeName` (webviews are nested iframes). */
export async function episodePreviewFrame(page: Page, episodeName: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const title = await frame
        .evaluate(() => (document.body?.classList.contains('episode-preview') ? document.title : null))
        .catch(() => null);
      if (title === episodeName) return frame;
    }
    await page.waitForTimeout(100);
  }
  // Say what was there instead, so that a failure on a busy CI machine can be read from its log alone.
  const tabs = await page
    .locator('.tabs-container .tab')
    .allInnerTexts()
    .catch(() => []);
  const titles = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.title).catch(() => '?')));
  throw new Error(
    `no Episode Preview of ${episodeName} appeared within ${timeoutMs} ms; editor tabs: ${JSON.stringify(tabs)}; frames: ${JSON.stringify(titles)}`,
  );
}

export async function previewCounters(frame: Frame): Promise<PreviewCounters> {
  const data = await frame.evaluate(() => ({ ...document.getElementById('app')!.dataset }));
  return {
    painted: Number(data.painted ?? 0),
    frame: Number(data.frame ?? -1),
    cameraFrames: (data.cameraFrames ?? '').split(',').filter(Boolean).map(Number),
    playing: data.playing === 'true',
    stalls: Number(data.stalls ?? 0),
    cached: Number(data.cached ?? 0),
    seekMs: Number(data.seekMs ?? Number.NaN),
    fetchedSets: Number(data.fetchedSets ?? 0),
  };
}

/** Polls the counters until `done` holds; fails with the last counters after `timeoutMs`. */
export async function waitForCounters(
  frame: Frame,
  done: (counters: PreviewCounters) => boolean,
  timeoutMs = 15_000,
): Promise<PreviewCounters> {
  const deadline = Date.now() + timeoutMs;
  let counters = await previewCounters(frame);
  while (!done(counters)) {
    if (Date.now() > deadline) throw new Error(`preview counters never matched: ${JSON.stringify(counters)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    counters = await previewCounters(frame);
  }
  return counters;
}

export interface CanvasSample {
  /** The index the preview says it shows. */
  readonly frame: number;
  /** The index drawn in each camera's pixels (fixtures with `frame_code: true`). */
  readonly codes: number[];
  /** Whether each canvas has any picture at all (more than one colour). */
  readonly nonBlank: boolean[];
}

/**
 * Reads every camera canvas in one synchronous pass inside the page, so the sample is one consistent moment of
 * playback: what the pixels of each camera say, not what the preview reports. One read of the bottom strip per
 * canvas (where the frame code is), so that sampling during playback disturbs it little.
 */
export async function sampleCanvases(frame: Frame, width: number, height: number): Promise<CanvasSample> {
  const points = frameCodeSamplePoints(width, height);
  const raw = await frame.evaluate(
    ({ codePoints, nativeWidth, nativeHeight }) => {
      const canvases = [...document.querySelectorAll<HTMLCanvasElement>('.camera canvas')];
      return {
        frame: Number(document.getElementById('app')!.dataset.frame ?? -1),
        cameras: canvases.map((canvas) => {
          const context = canvas.getContext('2d')!;
          // The canvas holds as many pixels as the screen shows: the code's squares are scaled with the picture.
          const scale = canvas.width / nativeWidth;
          const top = Math.floor(Math.min(...codePoints.map(([, y]) => y)) * scale);
          const strip = context.getImageData(
            0,
            top,
            canvas.width,
            Math.max(1, Math.floor(nativeHeight * scale) - top),
          ).data;
          // (No named helper functions in here: the test runner's transpiler would wrap them in a helper the page
          // lacks.)
          const brightness = codePoints.map(([x, y]) => {
            const offset = (Math.floor(y * scale) - top) * canvas.width * 4 + Math.floor(x * scale) * 4;
            return (strip[offset]! + strip[offset + 1]! + strip[offset + 2]!) / 3;
          });
          // Above the code: a picture has more than one colour along a line across it.
          const row = context.getImageData(0, Math.floor(canvas.height / 2), canvas.width, 1).data;
          const colours = new Set<number>();
          for (let i = 0; i < row.length; i += 4) colours.add((row[i]! << 16) | (row[i + 1]! << 8) | row[i + 2]!);
          return { brightness, nonBlank: colours.size > 1 };
        }),
      };
    },
    { codePoints: points, nativeWidth: width, nativeHeight: height },
  );
  return {
    frame: raw.frame,
    codes: raw.cameras.map((camera) => decodeFrameCode(camera.brightness)),
    nonBlank: raw.cameras.map((camera) => camera.nonBlank),
  };
}

/** Gives the webview keyboard focus, as a click on its header would. */
export async function focusPreview(frame: Frame): Promise<void> {
  await frame.locator('.preview-header .episode-name').click();
}
