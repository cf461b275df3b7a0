// Scanning a dataset: 200 generated JPEG episodes (3 cameras, 300–600 frames) with `ctrl-world-flexiv scan`
// against bench/scan_h5py.py reading the same metadata with h5py, in one run; then a rescan after one file changed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';
import { DatasetScanner } from '../src/core/dataset';
import { REPO_ROOT, SYSTEM_PYTHON, tempDir, writeEpisodes, type EpisodeSpec } from '../test/support/fixtures';

const EPISODES = Number(process.env.BENCH_EPISODES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const BASELINE = path.join(REPO_ROOT, 'bench', 'scan_h5py.py');
// 160x120 keeps generating 270,000 JPEG frames near a minute; a scan reads the same number of frames at any size.
const SIZE = { height: 120, width: 160 };

function spec(i: number): EpisodeSpec {
  return { path: `flexiv_bench/episode_${i}.hdf5`, frames: 300 + ((i * 37) % 301), seed: i, ...SIZE };
}

interface Timing {
  readonly wall: number;
  /** User + system CPU seconds of the process and all its threads (GNU time): less sensitive to a busy machine. */
  readonly cpu: number;
  readonly stdout: string;
}

/** Runs a command to its end under GNU time. */
function timed(program: string, args: string[]): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIMING %e %U %S', program, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const timing = /TIMING ([\d.]+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !timing) reject(new Error(`${program} ${args.join(' ')} exited with ${code}: ${stderr}`));
      else resolve({ wall: Number(timing[1]), cpu: Number(timing[2]) + Number(timing[3]), stdout });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (value: number) => `${value.toFixed(2)} s`;

async function main(): Promise<void> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npm run build" (or "npm run bench", which packages first).`);
  const { dir, cleanup } = await tempDir('cwf-bench-scan-');
  try {
    const generating = performance.now();
    // Two generators at once, 20 episodes per call (each call has a time limit, and the machine may be busy).
    const batches = Array.from({ length: Math.ceil(EPISODES / 20) }, (_, b) =>
      Array.from({ length: Math.min(20, EPISODES - b * 20) }, (_, i) => spec(b * 20 + i)),
    );
    const lane = async (): Promise<void> => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await writeEpisodes(dir, batch);
    };
    await Promise.all([lane(), lane()]);
    console.log(
      `Generated ${EPISODES} episodes (3 JPEG cameras ${SIZE.width}x${SIZE.height}, 300–600 frames) in ${seconds((performance.now() - generating) / 1000)}.`,
    );

    const runs = { h5py: [] as Timing[], ours: [] as Timing[], oursOneThread: [] as Timing[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so that all see the same load on a shared machine.
      const baseline = await timed(SYSTEM_PYTHON, [BASELINE, dir]);
      const ours = await timed(process.execPath, [CLI, 'scan', dir, '--json']);
      const oneThread = await timed(process.execPath, [CLI, 'scan', dir, '--json', '--jobs', '0']);
      const baselineResult = JSON.parse(baseline.stdout) as { episodes: number; frames: number };
      for (const run of [ours, oneThread]) {
        const ourResult = JSON.parse(run.stdout) as { summary: { episodes: number; frames: number } };
        if (
          baselineResult.episodes !== EPISODES ||
          ourResult.summary.episodes !== EPISODES ||
          baselineResult.frames !== ourResult.summary.frames
        ) {
          throw new Error(
            `the scans disagree: h5py ${JSON.stringify(baselineResult)}, ours ${JSON.stringify(ourResult.summary)}`,
          );
        }
      }
      runs.h5py.push(baseline);
      runs.ours.push(ours);
      runs.oursOneThread.push(oneThread);
      const show = (timing: Timing) => `${seconds(timing.wall)} (CPU ${seconds(timing.cpu)})`;
      console.log(
        `  round ${round + 1}: h5py script ${show(baseline)}, scan ${show(ours)}, scan --jobs 0 ${show(oneThread)}`,
      );
    }
    const wall = (timings: Timing[]) => median(timings.map((timing) => timing.wall));
    const cpu = (timings: Timing[]) => median(timings.map((timing) => timing.cpu));
    console.log(
      `Full scan of ${EPISODES} episodes, process start to exit, medians of ${ROUNDS} (wall / CPU); load average now ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores:`,
    );
    console.log(
      `  h5py script ${seconds(wall(runs.h5py))} / ${seconds(cpu(runs.h5py))}; ctrl-world-flexiv scan ${seconds(wall(runs.ours))} / ${seconds(cpu(runs.ours))}; scan --jobs 0 ${seconds(wall(runs.oursOneThread))} / ${seconds(cpu(runs.oursOneThread))}`,
    );
    console.log(
      `  wall ratio (scan / h5py): ${(wall(runs.ours) / wall(runs.h5py)).toFixed(2)}x (target <= 1.0x); --jobs 0: ${(wall(runs.oursOneThread) / wall(runs.h5py)).toFixed(2)}x; ` +
        `CPU ratio --jobs 0 / h5py: ${(cpu(runs.oursOneThread) / cpu(runs.h5py)).toFixed(2)}x`,
    );

    // The rescan the view does after a watcher event: same scanner, one file rewritten (new size and mtime).
    const scanner = new DatasetScanner({}, { maxWorkers: 0 });
    const fullStart = performance.now();
    await scanner.scan(dir);
    const full = (performance.now() - fullStart) / 1000;
    await writeEpisodes(dir, [{ ...spec(7), frames: 333 }]);
    const rescanStart = performance.now();
    const rescan = await scanner.scan(dir);
    const again = (performance.now() - rescanStart) / 1000;
    if (rescan.filesRead !== 1) throw new Error(`the rescan read ${rescan.filesRead} files, expected 1`);
    console.log(
      `Rescan after one file changed (in-process, main thread): ${(again * 1000).toFixed(0)} ms, full scan ${seconds(full)}: ${((again / full) * 100).toFixed(1)}% (target <= 5%)`,
    );
  } finally {
    await cleanup();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
