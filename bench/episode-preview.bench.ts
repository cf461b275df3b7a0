// Episode Preview in a real VS Code (code-server + Chromium) on a 2,000-frame episode of three 640x480 JPEG cameras:
// time to the first frame after the command, playback rate counting frames actually painted (with every camera's
// pixels checked for the same frame index), seek latency, and the frame sets held in memory.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { Workbench } from '../test/e2e/support/workbench';
import { episodePreviewFrame, focusPreview, previewCounters, sampleCanvases, waitForCounters } from '../test/e2e/support/episodePreview';
import { REPO_ROOT, writeEpisodes } from '../test/support/fixtures';

/** EPISODE_PREVIEW_BENCH_FRAMES shortens the episode for a quick run; the figures reported use 2,000. */
const FRAMES = Number(process.env.EPISODE_PREVIEW_BENCH_FRAMES ?? 2000);
const WIDTH = 640;
const HEIGHT = 480;
const EPISODE = 'episode_0.hdf5';
const WARM_OPENS = 5;
const PLAY_SECONDS = 10;
const SEEKS = 25;

/** On a shared machine, EPISODE_PREVIEW_BENCH_QUIET_WAIT minutes may be spent waiting for the load average to drop. */
const QUIET_LOAD = Number(process.env.EPISODE_PREVIEW_BENCH_QUIET_LOAD ?? 3);
const QUIET_WAIT_MINUTES = Number(process.env.EPISODE_PREVIEW_BENCH_QUIET_WAIT ?? 0);
/** Generating the episode takes minutes: it is kept in .cache/ (git-ignored) for the next run. */
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'bench', `episode-preview-${FRAMES}`);

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

async function waitForQuiet(what: string): Promise<void> {
  const deadline = Date.now() + QUIET_WAIT_MINUTES * 60_000;
  while (loadavg()[0]! > QUIET_LOAD && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5000));
  console.log(`  (${what}: load average ${load()})`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function openFromPalette(workbench: Workbench): Promise<{ frame: Frame; browserMs: number }> {
  await workbench.runCommand('Ctrl-World: Open Episode Preview');
  const row = workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: EPISODE }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const pressed = Date.now();
  await workbench.page.keyboard.press('Enter');
  const frame = await episodePreviewFrame(workbench.page, EPISODE);
  await waitForCounters(frame, (c) => c.painted >= 1, 30_000);
  const paintedAt = Number(await frame.evaluate(() => document.getElementById('app')!.dataset.firstPaintAt));
  return { frame, browserMs: paintedAt - pressed };
}

function hostFirstFrameTimes(workbench: Workbench): number[] {
  return [...workbench.extensionLog().matchAll(/first frame of \S+ on screen (\d+) ms after the command/g)].map((m) => Number(m[1]));
}

async function closeEditors(workbench: Workbench): Promise<void> {
  await workbench.runCommand('View: Close All Editors');
  await workbench.page.waitForTimeout(500);
}

async function setSpeed(frame: Frame, speed: number): Promise<void> {
  await frame.evaluate((value) => {
    const select = document.querySelector('vscode-single-select[aria-label="Speed"]') as HTMLElement & { value: string };
    select.value = String(value);
    select.dispatchEvent(new Event('change'));
  }, speed);
}

/** Plays for `seconds` at `speed` and checks, several times a second, that every camera's pixels show the same index. */
async function measurePlayback(workbench: Workbench, frame: Frame, speed: number, seconds: number) {
  await setSpeed(frame, speed);
  await focusPreview(frame);
  await workbench.page.keyboard.press('Home');
  await waitForCounters(frame, (c) => c.frame === 0);
  await workbench.page.keyboard.press('Space');
  await workbench.page.waitForTimeout(1000); // past the start-up of playback
  const start = await previewCounters(frame);
  const startedAt = await frame.evaluate(() => performance.now());
  let samples = 0;
  let desync = 0;
  let maxCached = start.cached;
  while ((await frame.evaluate(() => performance.now())) - startedAt < seconds * 1000) {
    const sample = await sampleCanvases(frame, WIDTH, HEIGHT);
    samples++;
    if (!sample.codes.every((code) => code === sample.frame)) desync++;
    maxCached = Math.max(maxCached, (await previewCounters(frame)).cached);
    await workbench.page.waitForTimeout(200);
  }
  const end = await previewCounters(frame);
  const elapsed = ((await frame.evaluate(() => performance.now())) - startedAt) / 1000;
  await workbench.page.keyboard.press('Space');
  return {
    paintedFps: (end.painted - start.painted) / elapsed,
    sourceFps: (end.frame - start.frame) / elapsed,
    dueFps: 30 * speed,
    stalls: end.stalls - start.stalls,
    samples,
    desync,
    maxCached,
  };
}

async function measureSeeks(workbench: Workbench, frame: Frame): Promise<number[]> {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const times: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const target = Math.floor(random() * FRAMES);
    await frame.evaluate((index) => {
      const range = document.querySelector('.scrubber input[type="range"]') as HTMLInputElement;
      range.value = String(index);
      range.dispatchEvent(new Event('input'));
    }, target);
    const counters = await waitForCounters(frame, (c) => c.frame === target && !Number.isNaN(c.seekMs));
    const sample = await sampleCanvases(frame, WIDTH, HEIGHT);
    if (!sample.codes.every((code) => code === target)) throw new Error(`seek to ${target} shows ${sample.codes.join(',')}`);
    times.push(counters.seekMs);
  }
  await workbench.page.keyboard.press('End');
  times.push((await waitForCounters(frame, (c) => c.frame === FRAMES - 1)).seekMs);
  return times;
}

async function main(): Promise<void> {
  const dir = await cachedEpisode();
  console.log(`episode: ${FRAMES} frames x 3 cameras, ${WIDTH}x${HEIGHT} JPEG (~50 KB/frame), 30 fps; load average at start ${load()}`);
  const workbench = await Workbench.launch({ workspace: dir, viewport: { width: 1600, height: 1000 } });
  const stop = () => void workbench.close().finally(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    await workbench.openCtrlWorld(); // the workbench is ready and the extension active
    await waitForQuiet('first open');
    const cold = await openFromPalette(workbench);
    await workbench.page.waitForTimeout(1500);
    const warm: number[] = [];
    let frame = cold.frame;
    for (let i = 0; i < WARM_OPENS; i++) {
      await closeEditors(workbench);
      await waitForQuiet(`open ${i + 2}`);
      const opened = await openFromPalette(workbench);
      warm.push(opened.browserMs);
      frame = opened.frame;
    }
    const host = hostFirstFrameTimes(workbench);
    console.log(`first frame, cold (first HDF5 use in the window, loads h5wasm): ${host[0]} ms from the command (host clock), ${cold.browserMs} ms from the Enter key`);
    console.log(`first frame, warm: median ${median(host.slice(1))} ms from the command (host clock; ${host.slice(1).join(', ')}), median ${median(warm)} ms from the Enter key (${warm.join(', ')})`);
    await workbench.page.waitForTimeout(1500);
    for (const speed of [1, 2]) {
      await waitForQuiet(`playback ${speed}x`);
      const result = await measurePlayback(workbench, frame, speed, PLAY_SECONDS);
      console.log(`playback ${speed}x (${result.dueFps} source frames/s due): ${result.paintedFps.toFixed(1)} frames painted/s, playhead ${result.sourceFps.toFixed(1)} frames/s, ${result.stalls} stalls, ` +
        `${result.desync} of ${result.samples} pixel samples with cameras on different frames, at most ${result.maxCached} decoded frame sets held`);
    }
    await waitForQuiet('seeks');
    const seeks = await measureSeeks(workbench, frame);
    console.log(`seek to a random frame (${seeks.length}, pixels checked): median ${median(seeks).toFixed(0)} ms, p90 ${percentile(seeks, 0.9).toFixed(0)} ms, max ${Math.max(...seeks).toFixed(0)} ms`);
    await waitForQuiet('playback 4x');
    const whole = await measurePlayback(workbench, frame, 4, 8);
    console.log(`playback 4x (120 source frames/s due, every other frame prefetched): ${whole.paintedFps.toFixed(1)} painted/s, playhead ${whole.sourceFps.toFixed(1)} frames/s, ${whole.desync}/${whole.samples} desynced samples, at most ${whole.maxCached} frame sets held`);
    console.log(`load average at the end: ${load()}`);
  } finally {
    await workbench.close();
  }
}

/** The workspace holding the generated episode, made once (by h5py) and kept in .cache/. */
async function cachedEpisode(): Promise<string> {
  if (existsSync(path.join(CACHE_DIR, 'flexiv', EPISODE))) return CACHE_DIR;
  const partial = `${CACHE_DIR}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const started = performance.now();
  await writeEpisodes(partial, [{ path: `flexiv/${EPISODE}`, frames: FRAMES, height: HEIGHT, width: WIDTH, frame_code: true, noise: 12 }]);
  console.log(`generated the episode with h5py in ${((performance.now() - started) / 1000).toFixed(0)} s (kept in ${CACHE_DIR})`);
  await rm(CACHE_DIR, { recursive: true, force: true });
  await rename(partial, CACHE_DIR);
  return CACHE_DIR;
}

void main().catch((error) => { console.error(error); process.exitCode = 1; });
