// The meta conversion: episodes → annotations, stat.json and sample lists, idempotent and written atomically.
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import { resolveInside } from '../insideRoot';
import { throwIfAborted, UserFacingError } from '../errors';
import { findEpisodeFiles, type EpisodeFileEntry } from '../dataset';
import { flaggedEpisodes } from '../dataset/flags';
import { buildAnnotation, resolveStride, strideProblem } from './annotation';
import { chooseArrays } from './chooseArrays';
import {
  annotationPath,
  datasetDir as datasetFolder,
  defaultMetaRoot,
  sampleFile,
  STAT_FILE,
  type Annotation,
  type SampleEntry,
} from './layout';
import { episodeId, optionsFingerprint, sha256, writeManifest, type Manifest, type ManifestEntry } from './manifest';
import { checkConvertOptions } from './options';
import { prepareOutput } from './outputGuard';
import { EpisodeNotConvertible, readEpisodeForConversion, type EpisodeData, type ReadOptions } from './readEpisode';
import { framesNeeded, sampleEntries } from './samples';
import { splitEpisodes } from './split';
import { stateStatistics } from './stats';
import type { ConvertOptions, ConvertProgress, ConvertSummary, SkippedEpisode, Split } from './types';

export interface ConvertRequest {
  /** The folder of HDF5 episodes (searched recursively). */
  readonly input: string;
  /** The dataset root (the config's dataset_root_path): the dataset goes to `{outRoot}/{name}`. */
  readonly outRoot: string;
  /** The meta root (dataset_meta_info_path); default `{outRoot}_meta_info`. */
  readonly metaRoot?: string;
  readonly options: ConvertOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ConvertProgress) => void;
  /** Replace an output that is not this conversion's own (see prepareOutput). */
  readonly replace?: boolean;
}

/** A convertible episode after the first pass: read now, or known from the manifest. */
interface Candidate {
  readonly entry: EpisodeFileEntry;
  readonly data?: EpisodeData;
  readonly cached?: ManifestEntry;
}

const YIELD_EVERY_MS = 25;

export async function convertDataset(request: ConvertRequest): Promise<ConvertSummary> {
  const { options, signal } = request;
  checkConvertOptions(options);
  const input = path.resolve(request.input);
  const dataset = datasetFolder(path.resolve(request.outRoot), options.name);
  const metaDir = path.join(path.resolve(request.metaRoot ?? defaultMetaRoot(request.outRoot)), options.name);
  const entries = await findEpisodeFiles(input, signal);
  if (entries.length === 0) {
    throw new UserFacingError(
      `No HDF5 episodes (*.hdf5, *.h5) were found in ${input}.`,
      'Choose the folder that holds the episodes.',
      'no-episodes',
    );
  }
  const manifest = await prepareOutput({ input, dataset, metaDir, replace: request.replace });
  const { choice, warnings } = await chooseArrays(
    entries.map((entry) => entry.path),
    options,
  );
  manifest.input = input;
  const fingerprint = optionsFingerprint({ ...options, ...choice });
  const reading = { ...options, choice };
  const flagged = await flaggedEpisodes(entries.map((entry) => entry.path));
  const skipped: SkippedEpisode[] = [];
  const candidates: Candidate[] = [];
  const ticker = yielder();

  for (const [index, entry] of entries.entries()) {
    throwIfAborted(signal);
    request.onProgress?.({ done: index, total: entries.length, file: entry.relative });
    const flag = flagged.get(entry.path);
    if (flag) {
      skipped.push({ file: entry.relative, reason: `flagged: ${flag.reason}` });
      continue;
    }
    const cached = manifest.episodes[entry.relative];
    const unchanged =
      cached &&
      cached.sizeBytes === entry.sizeBytes &&
      cached.mtimeMs === entry.mtimeMs &&
      cached.options === fingerprint;
    if (unchanged && cached.skipped) {
      skipped.push({ file: entry.relative, reason: cached.skipped });
    } else if (
      unchanged &&
      cached.annotation &&
      (await fileHash(ownFile(dataset, cached.annotation))) === cached.sha256
    ) {
      candidates.push({ entry, cached });
    } else {
      const outcome = await readCandidate(entry, reading);
      if ('reason' in outcome) {
        skipped.push({ file: entry.relative, reason: outcome.reason });
        // The earlier annotation stays listed so that removeDeparted deletes it.
        manifest.episodes[entry.relative] = {
          sizeBytes: entry.sizeBytes,
          mtimeMs: entry.mtimeMs,
          options: fingerprint,
          skipped: outcome.reason,
          annotation: cached?.annotation,
        };
      } else {
        candidates.push({ entry, data: outcome.data });
      }
    }
    await ticker();
  }
  request.onProgress?.({ done: entries.length, total: entries.length, file: '' });

  const splits = splitEpisodes(
    candidates.map((candidate) => candidate.entry.relative),
    options.split,
  );
  const written = { count: 0, reused: 0, removed: 0 };
  const byId: Array<{ id: number; split: Split; annotation: Annotation }> = [];
  const kept = new Set<string>();
  try {
    for (const candidate of candidates) {
      throwIfAborted(signal);
      const file = candidate.entry.relative;
      const split = splits.get(file)!;
      const id = episodeId(manifest, file);
      kept.add(file);
      const { cached } = candidate;
      if (cached && cached.split === split && cached.id === id) {
        byId.push({
          id,
          split,
          annotation: JSON.parse(await readFile(ownFile(dataset, cached.annotation!), 'utf8')) as Annotation,
        });
        written.reused++;
        continue;
      }
      const data = candidate.data ?? (await readCandidateData(candidate.entry, reading));
      const annotation = buildAnnotation({
        id,
        split,
        file,
        data,
        stride: resolveStride(data.fps, options),
        options,
        choice,
      });
      const relative = annotationPath(split, id);
      const text = `${JSON.stringify(annotation)}\n`;
      if ((await fileHash(path.join(dataset, relative))) !== sha256(text)) {
        await writeFileAtomic(path.join(dataset, relative), text);
        written.count++;
      } else {
        written.reused++;
      }
      if (cached?.annotation && cached.annotation !== relative) await removeOwnFile(dataset, cached.annotation);
      manifest.episodes[file] = {
        sizeBytes: candidate.entry.sizeBytes,
        mtimeMs: candidate.entry.mtimeMs,
        options: fingerprint,
        id,
        split,
        annotation: relative,
        sha256: sha256(text),
      };
      byId.push({ id, split, annotation });
      await ticker();
    }
    written.removed = await removeDeparted(dataset, manifest, kept);
  } finally {
    await writeManifest(dataset, manifest);
  }

  const train = byId.filter((episode) => episode.split === 'train').sort((a, b) => a.id - b.id);
  const val = byId.filter((episode) => episode.split === 'val').sort((a, b) => a.id - b.id);
  if (train.length === 0) {
    const reasons = skipped
      .slice(0, 3)
      .map((entry) => `${entry.file}: ${entry.reason}`)
      .join('; ');
    throw new UserFacingError(
      `No episode of ${input} could be converted for training${reasons ? ` (${reasons})` : ''}.`,
      'Fix or unflag episodes, or check the camera names and the pose and gripper arrays in the conversion options.',
      'nothing-converted',
    );
  }
  const samples = (episodes: typeof train): SampleEntry[] =>
    episodes.flatMap(({ id, annotation }) =>
      sampleEntries(id, annotation.video_length, options.numFrames, options.startInterval),
    );
  const trainSamples = samples(train);
  const valSamples = samples(val);
  await writeIfChanged(
    path.join(metaDir, STAT_FILE),
    `${JSON.stringify(
      stateStatistics(
        train.map((episode) => episode.annotation.states),
        options.stateDim,
      ),
    )}\n`,
  );
  await writeIfChanged(path.join(metaDir, sampleFile('train')), `${JSON.stringify(trainSamples, null, 1)}\n`);
  await writeIfChanged(path.join(metaDir, sampleFile('val')), `${JSON.stringify(valSamples, null, 1)}\n`);

  return {
    episodes: byId.length,
    train: train.length,
    val: val.length,
    frames: byId.reduce((sum, episode) => sum + episode.annotation.video_length, 0),
    trainSamples: trainSamples.length,
    valSamples: valSamples.length,
    skipped,
    written: written.count,
    reused: written.reused,
    removed: written.removed,
    datasetDir: dataset,
    metaDir,
    choice,
    warnings,
  };
}

async function readCandidate(
  entry: EpisodeFileEntry,
  options: ConvertOptions & ReadOptions,
): Promise<{ data: EpisodeData } | { reason: string }> {
  try {
    return { data: await readCandidateData(entry, options) };
  } catch (error) {
    if (error instanceof EpisodeNotConvertible) return { reason: error.message };
    throw error;
  }
}

async function readCandidateData(entry: EpisodeFileEntry, options: ConvertOptions & ReadOptions): Promise<EpisodeData> {
  const data = await readEpisodeForConversion(entry.path, options);
  const stride = resolveStride(data.fps, options);
  const problem = strideProblem(stride, options.downSample);
  if (problem) throw new EpisodeNotConvertible(problem);
  const videoFrames = Math.ceil(data.frames / stride);
  if (videoFrames < framesNeeded(options.numFrames)) {
    throw new EpisodeNotConvertible(
      `too short: ${data.frames} frames give ${videoFrames} video frames at stride ${stride}; one sample needs ${framesNeeded(options.numFrames)} (num_frames ${options.numFrames})`,
    );
  }
  return data;
}

/** Annotations of earlier runs whose episode is gone, flagged or no longer convertible. */
async function removeDeparted(dataset: string, manifest: Manifest, kept: ReadonlySet<string>): Promise<number> {
  let removed = 0;
  for (const [file, entry] of Object.entries(manifest.episodes)) {
    if (kept.has(file) || !entry.annotation) continue;
    if (await removeOwnFile(dataset, entry.annotation)) removed++;
    if (entry.skipped === undefined) delete manifest.episodes[file];
    else
      manifest.episodes[file] = { ...entry, annotation: undefined, sha256: undefined, id: undefined, split: undefined };
  }
  return removed;
}

/** A file the conversion record names, which must lie inside the dataset folder. */
function ownFile(dataset: string, relative: string): string {
  return resolveInside(dataset, relative, `The conversion record in ${dataset}`);
}

async function removeOwnFile(dataset: string, relative: string): Promise<boolean> {
  const file = ownFile(dataset, relative);
  if ((await fileHash(file)) === undefined) return false;
  await rm(file, { force: true });
  return true;
}

async function fileHash(file: string): Promise<string | undefined> {
  try {
    return sha256(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  if ((await fileHash(file)) !== sha256(text)) await writeFileAtomic(file, text);
}

/** Reading is synchronous inside h5wasm: hand the event loop back now and then so an editor stays responsive. */
function yielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < YIELD_EVERY_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}
