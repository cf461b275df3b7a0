// Checks a converted dataset against what train_wm.py will read: annotations, latents per view and their shapes,
// stat.json and the sample lists, in the upstream layout or the hand-over note's per-episode tree.
import * as path from 'node:path';
import { PathOutsideRootError, resolveInside } from '../../insideRoot';
import { LATENT_CHANNELS, VAE_FACTOR, type Annotation } from '../layout';
import type { Split } from '../types';
import { checkMeta } from './checkMeta';
import { LOCAL_FILES, type ConvertedFiles } from './files';
import {
  readJson,
  type ConvertedEpisode,
  type ConvertedProblem,
  type ConvertedReport,
  type LatentState,
  type ProblemSink,
} from './report';

export interface CheckRequest {
  /** The dataset root (dataset_root_path). */
  readonly root: string;
  /** The dataset name (one of dataset_names). */
  readonly name: string;
  readonly metaRoot: string;
  /** The meta folder the sample lists are read from (the matching entry of dataset_cfgs); default `name`. */
  readonly cfg?: string;
  readonly numFrames: number;
  /** The config's video_num: validation reads video_num x 2 val samples. */
  readonly videoNum?: number;
  /** The config's down_sample, to compare with the annotations' stride. */
  readonly downSample?: number;
  /** Frame size the latents must have been encoded at (default 320x192). */
  readonly width?: number;
  readonly height?: number;
  /** Where the files are read: this machine's (the default), or a snapshot of the GPU host's. */
  readonly files?: ConvertedFiles;
}

/** A request with its files settled. */
export type Checking = CheckRequest & { readonly files: ConvertedFiles };

const VIEWS = 3;

export async function checkConverted(given: CheckRequest): Promise<ConvertedReport> {
  const request: Checking = { ...given, files: given.files ?? LOCAL_FILES };
  const problems: ConvertedProblem[] = [];
  const sink: ProblemSink = (severity, code, message, file) =>
    problems.push({ severity, code, message, ...(file ? { file } : {}) });
  const datasetDir = path.join(request.root, request.name);
  const layout = (await request.files.isDirectory(path.join(datasetDir, 'annotation')))
    ? 'upstream'
    : (await perEpisodeFolders(request.root, request.files)).length > 0
      ? 'per-episode'
      : 'missing';
  let episodes: ConvertedEpisode[] = [];
  if (layout === 'missing') {
    sink(
      'error',
      'no-dataset',
      `train_wm reads ${datasetDir}/annotation/<train|val>/<id>.json, but ${datasetDir} has no annotation folder. Convert the dataset, or check dataset_root_path and dataset_names in the config.`,
      datasetDir,
    );
  } else if (layout === 'upstream') {
    episodes = await upstreamEpisodes(datasetDir, request, sink);
  } else {
    episodes = await perEpisodeEpisodes(request.root, request, sink);
  }
  summarizeLatents(episodes, layout === 'upstream' ? datasetDir : request.root, sink);
  const meta = await checkMeta(request, episodes, sink);
  return {
    layout,
    datasetDir: layout === 'per-episode' ? request.root : datasetDir,
    metaDir: meta.metaDir,
    episodes,
    stat: meta.stat,
    samples: meta.samples,
    problems,
  };
}

async function upstreamEpisodes(datasetDir: string, request: Checking, sink: ProblemSink): Promise<ConvertedEpisode[]> {
  const episodes: ConvertedEpisode[] = [];
  for (const split of ['train', 'val'] as const) {
    const folder = path.join(datasetDir, 'annotation', split);
    const files = (await request.files.list(folder))
      .filter((file) => file.endsWith('.json'))
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    if (files.length === 0)
      sink(
        split === 'train' ? 'error' : 'warning',
        'no-annotations',
        `${folder} holds no annotations: train_wm finds no ${split} episodes there.`,
        folder,
      );
    for (const file of files) {
      const episode = await checkAnnotation(path.join(folder, file), split, datasetDir, request, sink);
      if (episode) episodes.push(episode);
    }
  }
  return episodes;
}

/** The hand-over note's tree: `<root>/<episode>/annotation/<view>.json` and `latent_videos/<view>/0.pt`. */
async function perEpisodeEpisodes(root: string, request: Checking, sink: ProblemSink): Promise<ConvertedEpisode[]> {
  const episodes: ConvertedEpisode[] = [];
  for (const folder of await perEpisodeFolders(root, request.files)) {
    const episodeDir = path.join(root, folder);
    const annotations = (await request.files.list(path.join(episodeDir, 'annotation'))).filter((file) =>
      file.endsWith('.json'),
    );
    const first = annotations.sort()[0];
    const annotation = first
      ? await readJson<Partial<Annotation>>(request.files, path.join(episodeDir, 'annotation', first))
      : undefined;
    const videoLength = typeof annotation?.value?.video_length === 'number' ? annotation.value.video_length : undefined;
    const latents: LatentState[] = [];
    for (let view = 0; view < VIEWS; view++) {
      const file = path.join(episodeDir, 'latent_videos', String(view), '0.pt');
      latents.push(await latentState(file, view, videoLength, request, sink));
      if (!annotations.includes(`${view}.json`))
        sink('error', 'missing-annotation', `${folder}: no annotation/${view}.json for view ${view}.`, episodeDir);
    }
    episodes.push({
      id: folder,
      split: 'any',
      annotationFile: first ? path.join(episodeDir, 'annotation', first) : episodeDir,
      videoLength: videoLength ?? 0,
      latents,
      task: annotation?.value?.texts?.[0] ?? '',
    });
  }
  return episodes;
}

async function checkAnnotation(
  file: string,
  split: Split,
  datasetDir: string,
  request: Checking,
  sink: ProblemSink,
): Promise<ConvertedEpisode | undefined> {
  const label = `annotation/${split}/${path.basename(file)}`;
  const parsed = await readJson<Partial<Annotation>>(request.files, file);
  if (!parsed.value) {
    sink('error', 'bad-annotation', `${label} cannot be read: ${parsed.error}. Convert the dataset again.`, file);
    return undefined;
  }
  const a = parsed.value;
  const missing = [
    'texts',
    'episode_id',
    'video_length',
    'latent_videos',
    'states',
    'observation.state.cartesian_position',
    'observation.state.gripper_position',
    'observation.state.joint_position',
  ].filter((key) => !(key in a));
  if (missing.length > 0) {
    sink(
      'error',
      'annotation-keys',
      `${label} lacks ${missing.join(', ')}, which train_wm reads. Convert the dataset again.`,
      file,
    );
    return undefined;
  }
  const stem = path.basename(file, '.json');
  if (String(a.episode_id) !== stem)
    sink(
      'warning',
      'episode-id',
      `${label} says episode_id ${a.episode_id}; the sample lists refer to it as ${stem}.`,
      file,
    );
  const videoLength = Number(a.video_length);
  if (!Array.isArray(a.states) || a.states.length !== videoLength)
    sink(
      'error',
      'state-length',
      `${label}: states has ${Array.isArray(a.states) ? a.states.length : 'no'} rows but video_length is ${videoLength}.`,
      file,
    );
  if (!Array.isArray(a.texts) || a.texts.length === 0)
    sink('error', 'no-text', `${label}: texts is empty; train_wm reads texts[0] as the instruction.`, file);
  const source = a.source;
  if (source && request.downSample !== undefined && source.state_stride * request.downSample !== source.stride) {
    sink(
      'error',
      'stride-mismatch',
      `${label} was converted for down_sample ${source.stride / source.state_stride}, but the config's down_sample is ${request.downSample}: actions would not match the frames. Convert again with this config, or set down_sample back.`,
      file,
    );
  }
  const latents: LatentState[] = [];
  const entries = Array.isArray(a.latent_videos) ? a.latent_videos : [];
  if (entries.length < VIEWS)
    sink('error', 'views', `${label} lists ${entries.length} latent videos; train_wm stacks views 0, 1 and 2.`, file);
  for (let view = 0; view < Math.min(VIEWS, entries.length); view++) {
    const named = entries[view]?.latent_video_path;
    let latent: string;
    try {
      latent = resolveInside(datasetDir, named, label);
    } catch (error) {
      if (!(error instanceof PathOutsideRootError)) throw error;
      // Never read a file the annotation points outside the dataset at: report it instead.
      sink(
        'error',
        'path-outside-root',
        `${label}: view ${view}'s latent path ${JSON.stringify(named)} is not inside ${datasetDir}. Convert the dataset again.`,
        file,
      );
      latents.push({ view, file: String(named), state: 'bad' });
      continue;
    }
    latents.push(await latentState(latent, view, videoLength, request, sink));
  }
  return { id: stem, split, annotationFile: file, videoLength, latents, task: a.texts?.[0] ?? '', source };
}

async function latentState(
  file: string,
  view: number,
  videoLength: number | undefined,
  request: Checking,
  sink: ProblemSink,
): Promise<LatentState> {
  const info = await request.files.latentInfo(file);
  if (!info.ok) {
    if (!info.missing)
      sink('error', 'bad-latent', `${file} cannot be read as a tensor: ${info.reason}. Encode it again.`, file);
    return { view, file, state: info.missing ? 'missing' : 'bad' };
  }
  const expected = [
    videoLength ?? info.shape[0]!,
    LATENT_CHANNELS,
    (request.height ?? 192) / VAE_FACTOR,
    (request.width ?? 320) / VAE_FACTOR,
  ];
  const shape = `(${info.shape.join(', ')})`;
  if (info.shape.length !== 4 || info.shape.slice(1).some((size, i) => size !== expected[i + 1])) {
    sink(
      'error',
      'latent-shape',
      `${file} has shape ${shape}; train_wm stacks (T, ${expected.slice(1).join(', ')}) per view. Encode it again at ${request.width ?? 320}x${request.height ?? 192}.`,
      file,
    );
    return { view, file, state: 'bad', shape: info.shape, dtype: info.dtype };
  }
  if (videoLength !== undefined && info.shape[0] !== videoLength) {
    sink(
      'warning',
      'latent-length',
      `${file} has ${info.shape[0]} frames, the annotation ${videoLength}: frames past the end repeat the last one. Encode it again.`,
      file,
    );
  }
  if (info.dtype !== 'float32')
    sink(
      'warning',
      'latent-dtype',
      `${file} is ${info.dtype}; the encoder writes float32 (train_wm converts it, at a cost in precision).`,
      file,
    );
  return { view, file, state: 'ok', shape: info.shape, dtype: info.dtype };
}

/** Missing latents are reported once per dataset when none exist yet (a metadata-only conversion), else per episode. */
function summarizeLatents(episodes: readonly ConvertedEpisode[], datasetDir: string, sink: ProblemSink): void {
  const all = episodes.flatMap((episode) => episode.latents);
  const missing = all.filter((latent) => latent.state === 'missing');
  if (missing.length === 0) return;
  if (missing.length === all.length) {
    sink(
      'error',
      'no-latents',
      `None of the ${all.length} latent files exist yet (metadata only). Encode them on the GPU host ("Convert Dataset" → latents, or remote-kit/encode_latents.py) before training.`,
      datasetDir,
    );
    return;
  }
  for (const episode of episodes) {
    const views = episode.latents.filter((latent) => latent.state === 'missing').map((latent) => latent.view);
    if (views.length > 0)
      sink(
        'error',
        'missing-latent',
        `episode ${episode.id} (${episode.split}) has no latent for view ${views.join(', ')} (${episode.latents.find((latent) => latent.state === 'missing')!.file}). Encode the latents again; finished ones are kept.`,
        episode.annotationFile,
      );
  }
}

async function perEpisodeFolders(root: string, files: ConvertedFiles): Promise<string[]> {
  const folders: string[] = [];
  for (const entry of await files.list(root)) {
    if (
      (await files.isDirectory(path.join(root, entry, 'annotation'))) &&
      (await files.isDirectory(path.join(root, entry, 'latent_videos')))
    )
      folders.push(entry);
  }
  return folders.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}
