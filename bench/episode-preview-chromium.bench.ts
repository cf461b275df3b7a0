// The Episode Preview's webview bundle alone in Debian's Chromium, fed by the real host session (PreviewSession,
// h5wasm reads, the frame feed) over HTTP: what the preview itself achieves, without code-server's message path.
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../test/e2e/support/workbench';
import { waitForCounters } from '../test/e2e/support/episodePreview';
import { startPreviewHost } from './support/chromiumHost';
import {
  EPISODE,
  cachedEpisode,
  describeEpisode,
  load,
  measurePlayback,
  measureSeeks,
  median,
  waitForQuiet,
} from './support/previewMeasures';
import * as path from 'node:path';

const OPENS = 6;

async function main(): Promise<void> {
  const dir = await cachedEpisode();
  console.log(`episode: ${describeEpisode()}; webview bundle alone in Chromium; load average at start ${load()}`);
  const host = await startPreviewHost(path.join(dir, 'flexiv', EPISODE));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const stop = () =>
    void browser
      .close()
      .then(() => host.close())
      .finally(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    // The size of an editor area beside the side bar in a 1600x1000 window.
    const page = await browser.newPage({ viewport: { width: 1250, height: 900 } });
    const firstFrames: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await waitForQuiet(`open ${i + 1}`);
      const opened = Date.now();
      await page.goto(host.url);
      await waitForCounters(page.mainFrame(), (c) => c.painted >= 1, 30_000);
      firstFrames.push(
        Number(await page.evaluate(() => document.getElementById('app')!.dataset.firstPaintAt)) - opened,
      );
    }
    console.log(
      `first frame from opening the page (a new preview each time; the first also loads h5wasm): ${firstFrames[0]} ms first, then median ${median(firstFrames.slice(1))} ms (${firstFrames.slice(1).join(', ')})`,
    );
    await page.waitForTimeout(1500);
    for (const speed of [1, 2]) console.log(await measurePlayback(page, page.mainFrame(), speed, 10));
    console.log(await measureSeeks(page, page.mainFrame()));
    console.log(await measurePlayback(page, page.mainFrame(), 4, 8));
    console.log(`load average at the end: ${load()}`);
  } finally {
    await browser.close();
    await host.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
