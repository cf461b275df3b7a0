// Test fixtures made at test time by real tools: HDF5 episodes by h5py, temporary folders removed afterwards.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** Debian's python3, which has h5py, numpy and PIL; the default python3 on PATH may be a build without them. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EPISODE_GENERATOR = path.join(REPO_ROOT, 'test', 'fixtures', 'flexiv_episodes.py');

/** One episode for test/fixtures/flexiv_episodes.py; see its docstring for every field. */
export interface EpisodeSpec {
  path: string;
  frames?: number;
  cameras?: string[];
  camera_frames?: Record<string, number>;
  height?: number;
  width?: number;
  camera_sizes?: Record<string, [number, number]>;
  encoding?: 'jpeg' | 'raw';
  compression?: null | 'gzip' | 'lzf' | 'blosc' | 'blosc-zstd' | 'bshuf' | 'lz4';
  chunk_frames?: number;
  action_dim?: number;
  qpos_dim?: number;
  arrays?: Array<'qpos' | 'qvel' | 'effort' | 'tcp_pose' | 'gripper_width'>;
  raw_bgr?: boolean;
  nan_in?: Record<string, number[]>;
  inf_in?: Record<string, number[]>;
  fps_attr?: number | null;
  compress_len?: boolean;
  corrupt_jpeg_frames?: number[];
  truncate_to_bytes?: number | null;
  not_hdf5?: boolean;
  seed?: number;
  quality?: number;
  task?: string;
  unknown_filter?: boolean;
  compress_len_dtype?: 'int32' | 'float32';
  jpeg_storage?: 'padded' | 'vlen';
  corrupt_chunk_frames?: number[];
  frame_code?: boolean;
  noise?: number;
}

export function runProcess(program: string, args: string[], input?: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Writes the episodes with h5py under `root` and returns their absolute paths. */
export async function writeEpisodes(root: string, specs: EpisodeSpec[], timeoutMs?: number): Promise<string[]> {
  return JSON.parse(
    await runProcess(SYSTEM_PYTHON, [EPISODE_GENERATOR, root], JSON.stringify(specs), timeoutMs),
  ) as string[];
}

/** Episodes built to exhaust a reader (see test/fixtures/hostile_episodes.py for the kinds), written with h5py. */
export type HostileEpisodeKind = 'unwritten' | 'chunk-bomb' | 'slow-gzip';

export async function writeHostileEpisode(file: string, kind: HostileEpisodeKind): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await runProcess(SYSTEM_PYTHON, [path.join(REPO_ROOT, 'test', 'fixtures', 'hostile_episodes.py'), kind, file]);
  return file;
}

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(prefix = 'cwf-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
