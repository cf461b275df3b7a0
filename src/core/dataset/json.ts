// The `scan --json` contract: exactly these keys, whatever the summaries hold besides.
import type { ScanResult } from './types';

export interface ScanJson {
  root: string;
  episodes: Array<{
    file: string;
    frames: number;
    sizeBytes: number;
    cameras: Array<{
      name: string;
      frames: number;
      height: number;
      width: number;
      encoding: 'raw' | 'jpeg';
      filter: string | null;
    }>;
    arrays: Record<string, { shape: number[]; dtype: string }>;
    problems: Array<{ severity: 'error' | 'warning'; code: string; message: string }>;
  }>;
  summary: { episodes: number; frames: number; errors: number; warnings: number };
}

export function toScanJson(result: ScanResult): ScanJson {
  return {
    root: result.root,
    episodes: result.episodes.map((episode) => ({
      file: episode.file,
      frames: episode.frames,
      sizeBytes: episode.sizeBytes,
      cameras: episode.cameras.map(({ name, frames, height, width, encoding, filter }) => ({
        name,
        frames,
        height,
        width,
        encoding,
        filter,
      })),
      arrays: Object.fromEntries(
        Object.entries(episode.arrays).map(([name, { shape, dtype }]) => [name, { shape: [...shape], dtype }]),
      ),
      problems: episode.problems.map(({ severity, code, message }) => ({ severity, code, message })),
    })),
    summary: { ...result.summary },
  };
}
