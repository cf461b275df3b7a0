// Reads one episode file into its summary: cameras, arrays, length, rate and the problems it has on its own.
import { EpisodeFile } from '../hdf5';
import { checkEpisode } from './episodeChecks';
import { problemFromError } from './problems';
import type { EpisodeFileEntry } from './walk';
import type { ArraySummary, EpisodeSummary, ScanOptions } from './types';

export async function summarizeEpisode(entry: EpisodeFileEntry, options: ScanOptions): Promise<EpisodeSummary> {
  const base = { path: entry.path, file: entry.relative, sizeBytes: entry.sizeBytes, mtimeMs: entry.mtimeMs };
  let episode: EpisodeFile;
  try {
    episode = await EpisodeFile.open(entry.path);
  } catch (error) {
    return {
      ...base,
      frames: 0,
      fps: options.defaultFps,
      fpsFromFile: false,
      cameras: [],
      arrays: {},
      readable: false,
      problems: [problemFromError(entry.path, error)],
    };
  }
  try {
    const arrays: Record<string, ArraySummary> = {};
    for (const array of episode.arrays) arrays[array.name] = { shape: array.shape, dtype: array.dtype };
    const lengthSource = arrays.action ?? arrays.qpos;
    const fileFps = episode.fps;
    return {
      ...base,
      frames: lengthSource ? (lengthSource.shape[0] ?? 0) : (episode.cameras[0]?.frames ?? 0),
      fps: fileFps ?? options.defaultFps,
      fpsFromFile: fileFps !== undefined,
      cameras: episode.cameras.map(({ name, frames, height, width, encoding, filter }) => ({
        name,
        frames,
        height,
        width,
        encoding,
        filter,
      })),
      arrays,
      readable: true,
      problems: checkEpisode(episode, options),
    };
  } finally {
    episode.close();
  }
}
