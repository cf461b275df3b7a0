// Reads one episode file into its summary: cameras, arrays, length, rate and the problems it has on its own.
import { EpisodeFile } from '../hdf5';
import { checkEpisode } from './episodeChecks';
import { problem, problemFromError } from './problems';
import type { EpisodeFileEntry } from './walk';
import type { ArraySummary, EpisodeSummary, Problem, ScanOptions } from './types';

export async function summarizeEpisode(entry: EpisodeFileEntry, options: ScanOptions): Promise<EpisodeSummary> {
  // Opening a file reads its metadata and first frames, which a hostile file can slow: the budget counts from here.
  // (A file left to HDF5 loads it first, once per process: its compile time counts against that one file.)
  const deadline = performance.now() + options.checkSeconds * 1000;
  const base = fileFacts(entry);
  let episode: EpisodeFile;
  try {
    episode = await EpisodeFile.open(entry.path);
  } catch (error) {
    return unreadSummary(entry, options, problemFromError(entry.path, error));
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
      problems: checkEpisode(episode, options, { fileBytes: entry.sizeBytes, deadline }),
    };
  } finally {
    episode.close();
  }
}

function fileFacts(entry: EpisodeFileEntry) {
  return { path: entry.path, file: entry.relative, sizeBytes: entry.sizeBytes, mtimeMs: entry.mtimeMs };
}

/** The summary of a file that could not be read; its one problem says why. */
function unreadSummary(entry: EpisodeFileEntry, options: ScanOptions, reason: Problem): EpisodeSummary {
  return {
    ...fileFacts(entry),
    frames: 0,
    fps: options.defaultFps,
    fpsFromFile: false,
    cameras: [],
    arrays: {},
    readable: false,
    problems: [reason],
  };
}

/** A file whose reading was stopped from outside after `seconds` (one HDF5 call never returned). */
export function timedOutSummary(entry: EpisodeFileEntry, options: ScanOptions, seconds: number): EpisodeSummary {
  return unreadSummary(
    entry,
    options,
    problem(
      'warning',
      'check-timeout',
      entry.path,
      `reading it was stopped after ${seconds} s; it was not checked.`,
      'Open it in the Episode Preview, or check it with h5dump; the scan went on without it.',
    ),
  );
}
