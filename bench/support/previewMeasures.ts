// What both Episode Preview benchmarks measure, on a preview's document: playback rate with the cameras' pixels
// checked for sync, seek latency, and the generated episode they play (kept in .cache/ between runs).
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { focusPreview, previewCounters, sampleCanvases, waitForCounters } from '../../test/e2e/support/episodePreview';
import { REPO_ROOT, writeEpisodes } from '../../test/support/fixtures';

/** EPISODE_PREVIEW_BENCH_FRAMES shortens the episode for a quick run; the figures reported use 2,000. */
export const FRAMES = Number(process.env.EPISODE_PREVIEW_BENCH_FRAMES ?? 2000);
export const WIDTH = 640;
export const HEIGHT = 480;
export const FPS = 30;
export const EPISODE = 'episode_0.hdf5';
/** A second, shorter episode of the same cameras, for switching an open preview between episodes. */
export const SECOND_EPISODE = 'episode_1.hdf5';

/** On a shared machine, EPISODE_PREVIEW_BENCH_QUIET_WAIT minutes may be spent waiting for the load average to drop. */
const QUIET_LOAD = Number(process.env.EPISODE_PREVIEW_BENCH_QUIET_LOAD ?? 3);
const QUIET_WAIT_MINUTES = Number(process.env.EPISODE_PREVIEW_BENCH_QUIET_WAIT ?? 0);
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'bench', `episode-preview-${FRAMES}`);

export const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

export async function waitForQuiet(what: string): Promise<void> {
  const deadline = Date.now() + QUIET_WAIT_MINUTES * 60_000;
  while (loadavg()[0]! > QUIET_LOAD && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5000));
  console.log(`  (${what}: load average ${load()})`);
}

/** The folder holding flexiv/episode_0.hdf5, generated once by h5py (minutes for 2,000 frames) and kept in .cache/. */
export async function cachedEpisode(): Promise<string> {
  if (existsSync(path.join(CACHE_DIR, 'flexiv', SECOND_EPISODE))) return CACHE_DIR;
  const partial = `${CACHE_DIR}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const started = performance.now();
  await writeEpisodes(partial, [
    { path: `flexiv/${EPISODE}`, frames: FRAMES, height: HEIGHT, width: WIDTH, frame_code: true, noise: 12 },
    {
      path: `flexiv/${SECOND_EPISODE}`,
      frames: 300,
      height: HEIGHT,
      width: WIDTH,
      frame_code: true,
      noise: 12,
      seed: 1,
    },
  ]);
  console.log(
    `generated the episode with h5py in ${((performance.now() - started) / 1000).toFixed(0)} s (kept in ${CACHE_DIR})`,
  );
  await rm(CACHE_DIR, { recursive: true, force: true });
  await rename(partial, CACHE_DIR);
  return CACHE_DIR;
}

export function describeEpisode(): string {
  return `${FRAMES} frames x 3 cameras, ${WIDTH}x${HEIGHT} JPEG (~50 KB per frame), ${FPS} fps`;
}

async function setSpeed(frame: Frame, speed: number): Promise<void> {
  await frame.evaluate((value) => {
    const select = document.querySelector('vscode-single-select[aria-label="Speed"]') as HTMLElement & {
      value: string;
    };
    select.value = String(value);
    select.dispatchEvent(new Event('change'));
  }, speed);
}

/**
 * Plays for `seconds` at `speed` and checks, several times a second, that every camera's pixels show the same index.
 */
export async function measurePlayback(page: Page, frame: Frame, speed: number, seconds: number): Promise<string> {
  await waitForQuiet(`playback ${speed}x`);
  await setSpeed(frame, speed);
  await focusPreview(frame);
  await page.keyboard.press('Home');
  await waitForCounters(frame, (c) => c.frame === 0);
  await page.keyboard.press('Space');
  await page.waitForTimeout(1000); // past the start-up of playback
  const start = await previewCounters(frame);
  const startedAt = await frame.evaluate(() => performance.now());
  let samples = 0;
  let desync = 0;
  let maxCached = start.cached;
  // Twice a second: often enough to catch cameras apart, rarely enough not to slow what is measured.
  while ((await frame.evaluate(() => performance.now())) - startedAt < seconds * 1000) {
    const sample = await sampleCanvases(frame, WIDTH, HEIGHT);
    samples++;
    if (!sample.codes.every((code) => code === sample.frame)) desync++;
    maxCached = Math.max(maxCached, (await previewCounters(frame)).cached);
    await page.waitForTimeout(500);
  }
  const end = await previewCounters(frame);
  const elapsed = ((await frame.evaluate(() => performance.now())) - startedAt) / 1000;
  await page.keyboard.press('Space');
  const painted = (end.painted - start.painted) / elapsed;
  const advanced = (end.frame - start.frame) / elapsed;
  return (
    `playback ${speed}x (${FPS * speed} source frames/s due): ${painted.toFixed(1)} frames painted/s, playhead ${advanced.toFixed(1)} frames/s, ` +
    `${end.stalls - start.stalls} stalls, ${desync} of ${samples} pixel samples with cameras on different frames, at most ${maxCached} decoded frame sets held`
  );
}

/** Seeks to random frames through the scrubber and to the end with End; every landing is checked in the pixels. */
export async function measureSeeks(page: Page, frame: Frame, count = 25): Promise<string> {
  await waitForQuiet('seeks');
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const target = Math.floor(random() * FRAMES);
    await frame.evaluate((index) => {
      const range = document.querySelector('.scrubber input[type="range"]') as HTMLInputElement;
      range.value = String(index);
      range.dispatchEvent(new Event('input'));
    }, target);
    const counters = await waitForCounters(frame, (c) => c.frame === target && !Number.isNaN(c.seekMs));
    const sample = await sampleCanvases(frame, WIDTH, HEIGHT);
    if (!sample.codes.every((code) => code === target))
      throw new Error(`seek to ${target} shows ${sample.codes.join(',')}`);
    times.push(counters.seekMs);
  }
  await focusPreview(frame);
  await page.keyboard.press('End');
  times.push((await waitForCounters(frame, (c) => c.frame === FRAMES - 1)).seekMs);
  return `seek to a random frame (${times.length}, pixels checked): median ${median(times).toFixed(0)} ms, p90 ${percentile(times, 0.9).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`;
}
