// Opening a 5 GB raw episode (three 640x480 cameras, uncompressed, written by h5py) and reading its last frame:
// time and RSS growth, measured in a fresh process after h5wasm is loaded. The episode is deleted afterwards.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDir, writeEpisodes } from '../test/support/fixtures';

const TARGET_BYTES = Number(process.env.BENCH_EPISODE_GB ?? 5) * 1e9;
const [HEIGHT, WIDTH, CAMERAS] = [480, 640, 3];
const FRAMES = Math.ceil(TARGET_BYTES / (HEIGHT * WIDTH * 3 * CAMERAS));

/** Runs in a child process, so that its RSS is this measurement's alone. */
const MEASURE = `
const { EpisodeFile, loadHdf5 } = require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'core', 'hdf5'))});
(async () => {
  const loadStart = performance.now();
  const rssBeforeLoad = process.memoryUsage().rss;
  await loadHdf5();
  const loadMs = performance.now() - loadStart;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const episode = await EpisodeFile.open(process.argv[1]);
  const camera = episode.cameras[0];
  const frame = episode.readFrame(camera.name, camera.frames - 1);
  const openAndLastMs = performance.now() - start;
  const rssAfter = process.memoryUsage().rss;
  const others = performance.now();
  for (const other of episode.cameras.slice(1)) episode.readFrame(other.name, other.frames - 1);
  const otherLastMs = performance.now() - others;
  episode.close();
  // Again with a new handle: HDF5's code is compiled now (V8 compiles WebAssembly on first use).
  const againStart = performance.now();
  const again = await EpisodeFile.open(process.argv[1]);
  again.readFrame(camera.name, camera.frames - 1);
  const againMs = performance.now() - againStart;
  again.close();
  console.log(JSON.stringify({ loadMs, rssLoad: rssBefore - rssBeforeLoad, openAndLastMs, rssGrowth: rssAfter - rssBefore, bytes: frame.bytes.length,
    frames: camera.frames, cameras: episode.cameras.length, otherLastMs, againMs, rssTotal: process.memoryUsage().rss }));
})();`;

async function main(): Promise<void> {
  const { dir, cleanup } = await tempDir('cwf-bench-large-');
  try {
    const generating = performance.now();
    const [file] = await writeEpisodes(
      dir,
      [{ path: 'episode_large.hdf5', frames: FRAMES, height: HEIGHT, width: WIDTH, encoding: 'raw', seed: 1 }],
      30 * 60_000,
    );
    const size = statSync(file!).size;
    console.log(
      `Generated ${path.basename(file!)}: ${(size / 1e9).toFixed(2)} GB, ${CAMERAS} raw cameras ${WIDTH}x${HEIGHT}, ${FRAMES} frames, in ${((performance.now() - generating) / 1000).toFixed(0)} s (page cache warm).`,
    );
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', '-e', MEASURE, file!],
        { cwd: REPO_ROOT },
      );
      runs.push(
        JSON.parse(stdout) as {
          loadMs: number;
          rssLoad: number;
          openAndLastMs: number;
          rssGrowth: number;
          bytes: number;
          otherLastMs: number;
          againMs: number;
          rssTotal: number;
        },
      );
    }
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    for (const [i, run] of runs.entries()) {
      console.log(
        `  run ${i + 1}: first open + last frame ${run.openAndLastMs.toFixed(1)} ms (${run.bytes} bytes), RSS growth ${mb(run.rssGrowth)}; ` +
          `last frame of the other cameras ${run.otherLastMs.toFixed(1)} ms; open again + last frame ${run.againMs.toFixed(1)} ms; ` +
          `h5wasm load ${run.loadMs.toFixed(0)} ms, +${mb(run.rssLoad)}; process RSS ${mb(run.rssTotal)}`,
      );
    }
    const best = runs.reduce((a, b) => (a.openAndLastMs < b.openAndLastMs ? a : b));
    const worstRss = Math.max(...runs.map((run) => run.rssGrowth));
    console.log(
      `Open a ${(size / 1e9).toFixed(1)} GB raw episode + read its last frame: best ${best.openAndLastMs.toFixed(1)} ms the first time in a process, ` +
        `${Math.min(...runs.map((run) => run.againMs)).toFixed(1)} ms once HDF5's code is compiled (target < 200 ms); RSS growth at most ${mb(worstRss)} (target < 150 MB)`,
    );
  } finally {
    await cleanup();
    console.log('The generated episode was deleted.');
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
