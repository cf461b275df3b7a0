// Groups episodes into datasets (the folders that hold them) and adds the problems only a comparison shows.
import * as path from 'node:path';
import { compareNatural } from './naturalSort';
import { countProblems, problem } from './problems';
import type { DatasetSummary, EpisodeSummary, Problem } from './types';

/** Episodes of one folder, each with the cross-episode problems added to its own. */
export function buildDatasets(
  root: string,
  episodes: readonly EpisodeSummary[],
): { episodes: EpisodeSummary[]; datasets: DatasetSummary[] } {
  const byFolder = new Map<string, EpisodeSummary[]>();
  for (const episode of episodes) {
    const folder = path.dirname(episode.path);
    const members = byFolder.get(folder);
    if (members) members.push(episode);
    else byFolder.set(folder, [episode]);
  }
  const datasets: DatasetSummary[] = [];
  const checked = new Map<string, EpisodeSummary>();
  for (const [folder, members] of byFolder) {
    const extra = compareEpisodes(members);
    const withProblems = members.map((episode) => {
      const added = extra.get(episode.path) ?? [];
      const result = added.length ? { ...episode, problems: [...episode.problems, ...added] } : episode;
      checked.set(episode.path, result);
      return result;
    });
    datasets.push(summarizeDataset(root, folder, withProblems));
  }
  datasets.sort((a, b) => compareNatural(a.relative, b.relative));
  return { episodes: episodes.map((episode) => checked.get(episode.path)!), datasets };
}

function summarizeDataset(root: string, folder: string, episodes: EpisodeSummary[]): DatasetSummary {
  const relative = path.relative(root, folder).split(path.sep).join('/') || '.';
  const counts = countProblems(episodes.flatMap((episode) => episode.problems));
  return {
    folder,
    relative,
    name: path.basename(folder),
    episodes,
    frames: episodes.reduce((sum, episode) => sum + episode.frames, 0),
    durationSeconds: episodes.reduce((sum, episode) => sum + episode.frames / episode.fps, 0),
    sizeBytes: episodes.reduce((sum, episode) => sum + episode.sizeBytes, 0),
    ...counts,
  };
}

/**
 * A camera most episodes of the folder have is expected in all of them; an image size most episodes of the
 * folder share is expected for that camera. Unreadable episodes take no part.
 */
function compareEpisodes(episodes: readonly EpisodeSummary[]): Map<string, Problem[]> {
  const readable = episodes.filter((episode) => episode.readable && episode.cameras.length > 0);
  const result = new Map<string, Problem[]>();
  const add = (episode: EpisodeSummary, entry: Problem) =>
    result.set(episode.path, [...(result.get(episode.path) ?? []), entry]);
  if (readable.length < 2) return result;

  const cameraCounts = tally(readable.flatMap((episode) => episode.cameras.map((camera) => camera.name)));
  const expected = [...cameraCounts].filter(([, count]) => count * 2 >= readable.length).map(([name]) => name);
  for (const episode of readable) {
    const missing = expected.filter((name) => !episode.cameras.some((camera) => camera.name === name));
    if (missing.length > 0) {
      add(
        episode,
        problem(
          'error',
          'missing-camera',
          episode.path,
          `camera ${missing.join(', ')} missing, though ${Math.min(...missing.map((name) => cameraCounts.get(name)!))} of ${readable.length} episodes of this dataset have ${missing.length > 1 ? 'them' : 'it'}.`,
          'Ctrl-World needs the same three views in every episode; re-record it or move it out of the dataset.',
        ),
      );
    }
  }

  for (const name of expected) {
    const sizes = readable.flatMap((episode) =>
      episode.cameras
        .filter((camera) => camera.name === name && camera.width > 0)
        .map((camera) => ({ episode, size: `${camera.height}x${camera.width}` })),
    );
    const [common, commonCount] = [...tally(sizes.map((entry) => entry.size))].sort((a, b) => b[1] - a[1])[0] ?? [
      '',
      0,
    ];
    if (commonCount < 2) continue;
    for (const { episode, size } of sizes) {
      if (size === common) continue;
      add(
        episode,
        problem(
          'warning',
          'image-size-mismatch',
          episode.path,
          `camera ${name} is ${size} (height x width), but ${common} in ${commonCount} of ${sizes.length} episodes of this dataset.`,
          'Frames are resized for training, but a different size usually means another camera or setting; check the recording.',
        ),
      );
    }
  }
  return result;
}

function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
