// Checks the meta files train_wm reads: stat.json (under dataset_names, or dataset_cfgs in the Flexiv fork) and
// the sample lists (under dataset_cfgs), against the episodes that exist and the config's horizon.
import * as path from 'node:path';
import { sampleFile, STAT_FILE, type SampleEntry, type StatJson } from '../layout';
import { framesNeeded } from '../samples';
import { readJson, type ConvertedEpisode, type ProblemSink } from './report';
import type { Checking } from './checkConverted';
import type { ConvertedFiles } from './files';

export interface MetaResult {
  readonly metaDir: string;
  readonly stat?: StatJson;
  readonly samples: { train: number; val: number };
}

export async function checkMeta(
  request: Checking,
  episodes: readonly ConvertedEpisode[],
  sink: ProblemSink,
): Promise<MetaResult> {
  const cfg = request.cfg ?? request.name;
  const nameDir = path.join(request.metaRoot, request.name);
  const cfgDir = path.join(request.metaRoot, cfg);
  const stat = await checkStat(request.files, nameDir, cfgDir, cfg !== request.name, sink);
  const samples = { train: 0, val: 0 };
  for (const split of ['train', 'val'] as const) {
    samples[split] = await checkSamples(path.join(cfgDir, sampleFile(split)), split, episodes, request, sink);
  }
  if (cfg !== request.name) {
    sink(
      'warning',
      'cfg-mismatch',
      `dataset_cfgs "${cfg}" differs from dataset_names "${request.name}": train_wm reads the sample lists from ${cfgDir} and the episodes from ${request.name}. ` +
        '`dataset_cfgs = dataset_names` is evaluated once in the class body, so a later override of dataset_names (--dataset_names) leaves dataset_cfgs behind; set both.',
      cfgDir,
    );
  }
  if (request.videoNum !== undefined && request.videoNum > 0 && samples.val < request.videoNum * 2) {
    sink(
      'error',
      'too-few-val-samples',
      `val_sample.json has ${samples.val} samples, but validation with video_num ${request.videoNum} takes ${request.videoNum * 2} evenly spaced ones ` +
        '(fewer make range() step 0 and training stops at the first validation). Convert with a larger validation split, or lower video_num.',
      path.join(cfgDir, sampleFile('val')),
    );
  }
  return { metaDir: cfgDir, stat, samples };
}

async function checkStat(
  files: ConvertedFiles,
  nameDir: string,
  cfgDir: string,
  differs: boolean,
  sink: ProblemSink,
): Promise<StatJson | undefined> {
  const candidates = differs
    ? [path.join(nameDir, STAT_FILE), path.join(cfgDir, STAT_FILE)]
    : [path.join(nameDir, STAT_FILE)];
  const found = [];
  for (const file of candidates) {
    const parsed = await readJson<Partial<StatJson>>(files, file);
    if (!parsed.missing) found.push({ file, parsed });
  }
  if (found.length === 0) {
    sink(
      'error',
      'missing-stat',
      `${candidates.join(' or ')} does not exist; train_wm scales actions with it and stops at start (FileNotFoundError). Convert the dataset.`,
      candidates[0],
    );
    return undefined;
  }
  if (differs && found.length === 1) {
    sink(
      'warning',
      'stat-location',
      `stat.json is only in ${found[0]!.file}: upstream train_wm reads it under dataset_names, the Flexiv fork under dataset_cfgs. Put it in both folders, or make the names equal.`,
      found[0]!.file,
    );
  }
  const { file, parsed } = found[0]!;
  const stat = parsed.value;
  const valid = (values: unknown): values is number[] =>
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((value) => typeof value === 'number' && Number.isFinite(value));
  if (!stat || !valid(stat.state_01) || !valid(stat.state_99) || stat.state_01.length !== stat.state_99.length) {
    sink(
      'error',
      'bad-stat',
      `${file} ${parsed.error ?? 'needs "state_01" and "state_99": two lists of the same length of finite numbers'}. Convert the dataset again.`,
      file,
    );
    return undefined;
  }
  if (stat.state_01.length !== 7)
    sink(
      'warning',
      'stat-width',
      `${file} has ${stat.state_01.length} numbers per percentile; Flexiv states have 7 (action_dim).`,
      file,
    );
  const flat = stat.state_01.flatMap((low, i) => (stat.state_99![i]! <= low ? [i] : []));
  if (flat.length > 0) {
    sink(
      'warning',
      'flat-dimension',
      `${file}: state dimension ${flat.join(', ')} has its 99th percentile at or below its 1st, so actions there scale to ±1 whatever they are. Check the state array of the episodes.`,
      file,
    );
  }
  return { state_01: stat.state_01, state_99: stat.state_99 };
}

async function checkSamples(
  file: string,
  split: 'train' | 'val',
  episodes: readonly ConvertedEpisode[],
  request: Checking,
  sink: ProblemSink,
): Promise<number> {
  const parsed = await readJson<unknown>(request.files, file);
  if (!Array.isArray(parsed.value)) {
    sink(
      split === 'train' ? 'error' : 'warning',
      'missing-samples',
      `${file} ${parsed.error ?? 'is not a list of samples'}; train_wm reads the ${split} samples from it. Convert the dataset.`,
      file,
    );
    return 0;
  }
  const samples = parsed.value as Partial<SampleEntry>[];
  if (samples.length === 0)
    sink(
      split === 'train' ? 'error' : 'warning',
      'no-samples',
      `${file} is empty: no episode of the ${split} split is long enough for num_frames ${request.numFrames}.`,
      file,
    );
  const lengths = new Map(
    episodes
      .filter((episode) => episode.split === split || episode.split === 'any')
      .map((episode) => [episode.id, episode.videoLength]),
  );
  const malformed: number[] = [];
  const unknown = new Set<string>();
  let shortWindows = 0;
  samples.forEach((sample, index) => {
    const start = Array.isArray(sample?.frame_ids) ? sample.frame_ids[0] : undefined;
    if (sample?.episode_id === undefined || !Number.isInteger(start)) {
      malformed.push(index);
      return;
    }
    const length = lengths.get(String(sample.episode_id));
    if (length === undefined) unknown.add(String(sample.episode_id));
    else if (start! + framesNeeded(request.numFrames) > length) shortWindows++;
  });
  if (malformed.length > 0)
    sink(
      'error',
      'bad-sample',
      `${file}: ${malformed.length} entries lack "episode_id" or "frame_ids" (first at index ${malformed[0]}).`,
      file,
    );
  if (unknown.size > 0) {
    const ids = [...unknown].slice(0, 5).join(', ');
    sink(
      'error',
      'sample-episode-missing',
      `${file} names ${unknown.size} episodes with no ${split} annotation (${ids}${unknown.size > 5 ? ', …' : ''}): train_wm stops when it draws one. Convert the dataset again.`,
      file,
    );
  }
  if (shortWindows > 0) {
    sink(
      'warning',
      'sample-window',
      `${file}: ${shortWindows} samples start too late for num_frames ${request.numFrames} at the reader's largest skip; their last frames repeat the episode's end. Convert again with this num_frames.`,
      file,
    );
  }
  return samples.length;
}
