// Scanning a dataset of 20, 200 and 2,000 JPEG episodes (3 cameras, 300–600 frames) with `ctrl-world-flexiv scan`
// against two h5py references doing the same reads: bench/scan_h5py_minimal.py (metadata, 3 frames per camera, NaN
// check) for `scan --samples 3`, bench/scan_h5py.py (8 JPEG frames walked, compress_len) for `scan`; then a rescan
// after one file changed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';
import { DatasetScanner, type ScanResult } from '../src/core/dataset';
import { REPO_ROOT, SYSTEM_PYTHON, tempDir, writeEpisodes, type EpisodeSpec } from '../test/support/fixtures';

/** Folder sizes compared (BENCH_SIZES=20,200,2000); the episodes repeat past the distinct ones generated. */
const SIZES = (process.env.BENCH_SIZES ?? '20,200,2000').split(',').map(Number);
const DISTINCT = Math.min(200, Math.max(...SIZES));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const BASELINE = path.join(REPO_ROOT, 'bench', 'scan_h5py.py');
const MINIMAL = path.join(REPO_ROOT, 'bench', 'scan_h5py_minimal.py');
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

/**
 * Node reads the whole CA bundle named by NODE_EXTRA_CA_CERTS at start (30–50 ms here), whatever the script; Python
 * reads its counterparts only when it opens a TLS connection. Where the variable is set, the scan is timed both ways.
 */
const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
const withoutExtraCaCerts = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'),
);

/** Runs a command to its end under GNU time. */
function timed(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIMING %e %U %S', program, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
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

const seconds = (value: number) => `${value.toFixed(2)} s`;

/** Process start to exit of each command, alternating, `ROUNDS` times; the minimum of each (the least disturbed). */
async function race(commands: Record<string, [string, string[], NodeJS.ProcessEnv?]>): Promise<Record<string, Timing>> {
  const best: Record<string, Timing> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [program, args, env]] of Object.entries(commands)) {
      const timing = await timed(program, args, env);
      if (!best[name] || timing.wall < best[name].wall) best[name] = timing;
    }
  }
  return best;
}

/** Episodes and frames as each side counted them: the runs must agree before their times are compared. */
function counted(name: string, stdout: string): string {
  const result = JSON.parse(stdout) as { episodes?: number; frames?: number; summary?: ScanResult['summary'] };
  const { episodes, frames } = result.summary ?? result;
  if (episodes === undefined || frames === undefined) throw new Error(`${name} printed no counts: ${stdout}`);
  return `${episodes} episodes, ${frames} frames`;
}

async function main(): Promise<void> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npm run build" (or "npm run bench", which packages first).`);
  const { dir, cleanup } = await tempDir('cwf-bench-scan-');
  try {
    const generating = performance.now();
    const source = path.join(dir, 'generated');
    // Two generators at once, 20 episodes per call (each call has a time limit, and the machine may be busy).
    const batches = Array.from({ length: Math.ceil(DISTINCT / 20) }, (_, b) =>
      Array.from({ length: Math.min(20, DISTINCT - b * 20) }, (_, i) => spec(b * 20 + i)),
    );
    const lane = async (): Promise<void> => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await writeEpisodes(source, batch);
    };
    await Promise.all([lane(), lane()]);
    console.log(
      `Generated ${DISTINCT} episodes (3 JPEG cameras ${SIZE.width}x${SIZE.height}, 300–600 frames) in ${seconds((performance.now() - generating) / 1000)}; larger folders repeat them as copies.`,
    );
    const files = (await readdir(path.join(source, 'flexiv_bench'))).sort();
    for (const size of SIZES) {
      const folder = path.join(dir, `scan_${size}`, 'flexiv_bench');
      await mkdir(folder, { recursive: true });
      for (let i = 0; i < size; i++) {
        await copyFile(
          path.join(source, 'flexiv_bench', files[i % files.length]!),
          path.join(folder, `episode_${i}.hdf5`),
        );
      }
      const best = await race({
        minimal: [SYSTEM_PYTHON, [MINIMAL, folder]],
        full: [SYSTEM_PYTHON, [BASELINE, folder]],
        scan3: [process.execPath, [CLI, 'scan', folder, '--json', '--samples', '3']],
        scan8: [process.execPath, [CLI, 'scan', folder, '--json']],
        ...(EXTRA_CA_CERTS
          ? { scan3Plain: [process.execPath, [CLI, 'scan', folder, '--json', '--samples', '3'], withoutExtraCaCerts] }
          : {}),
      });
      const counts = new Set(Object.entries(best).map(([name, timing]) => counted(name, timing.stdout)));
      if (counts.size !== 1) throw new Error(`the scans disagree: ${[...counts].join(' / ')}`);
      const show = (timing: Timing) => `${seconds(timing.wall)} (CPU ${seconds(timing.cpu)})`;
      console.log(
        `${size} episodes, min of ${ROUNDS} alternating runs, process start to exit; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores:`,
      );
      console.log(`  minimal h5py (metadata, 3 frames per camera, NaN check) ${show(best.minimal!)}`);
      console.log(
        `  scan --samples 3 ${show(best.scan3!)}: ${(best.scan3!.wall / best.minimal!.wall).toFixed(2)}x (target <= 1.0x)`,
      );
      if (best.scan3Plain)
        console.log(
          `  scan --samples 3 without NODE_EXTRA_CA_CERTS=${EXTRA_CA_CERTS} ${show(best.scan3Plain)}: ` +
            `${(best.scan3Plain.wall / best.minimal!.wall).toFixed(2)}x`,
        );
      console.log(`  full h5py (8 JPEG frames walked per camera, compress_len) ${show(best.full!)}`);
      console.log(`  scan (8 frames) ${show(best.scan8!)}: ${(best.scan8!.wall / best.full!.wall).toFixed(2)}x`);
    }

    const dirForRescan = path.join(dir, `scan_${SIZES[Math.min(1, SIZES.length - 1)]}`);
    // The rescan the view does after a watcher event: same scanner, one file rewritten (new size and mtime).
    const scanner = new DatasetScanner({}, { maxWorkers: 0 });
    const fullStart = performance.now();
    await scanner.scan(dirForRescan);
    const full = (performance.now() - fullStart) / 1000;
    await writeEpisodes(dirForRescan, [{ ...spec(7), frames: 333 }]);
    const rescanStart = performance.now();
    const rescan = await scanner.scan(dirForRescan);
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
