// The checks one episode can answer alone: structure, frame counts, widths, NaN/Inf, and sampled frames.
import { Hdf5DatasetError, Hdf5Error, type EpisodeFile, type RowSelection } from '../hdf5';
import { problem, problemFromError } from './problems';
import type { Problem, ScanOptions } from './types';

/** Elements read per block when scanning an array for NaN/Inf: a few MB whatever the array's size. */
const BLOCK_ELEMENTS = 1 << 20;
/** Raw frames are large (0.9 MB at 640x480): only the first and last are read to prove the chunks decode. */
const RAW_SAMPLE_FRAMES = 2;

/** Recording rates outside this range are reported: cameras and robot controllers record within it. */
const MIN_FPS = 1;
const MAX_FPS = 10_000;

/** What one file's checks may spend. */
export interface CheckLimits {
  /** The file's size: arrays declaring more rows than it can hold were not written whole (see storableRows). */
  readonly fileBytes: number;
  /** performance.now() after which checks stop with a `check-timeout` warning: one file cannot stall a scan. */
  readonly deadline: number;
}

/** Notes the first check that found the deadline passed; every later check then stops at once. */
class CheckBudget {
  stoppedAt?: string;

  constructor(private readonly deadline: number) {}

  /** True once the deadline has passed; `where` names the work left undone, for the warning. */
  spent(where: () => string): boolean {
    if (this.stoppedAt === undefined && performance.now() > this.deadline) this.stoppedAt = where();
    return this.stoppedAt !== undefined;
  }
}

export function checkEpisode(episode: EpisodeFile, options: ScanOptions, limits: CheckLimits): Problem[] {
  const file = episode.path;
  const problems: Problem[] = episode.issues.map((issue) => problemFromError(file, issue));
  const broken = new Set(episode.issues.map((issue) => (issue instanceof Hdf5DatasetError ? issue.dataset : '')));

  if (episode.cameras.length === 0 && !episode.issues.some((issue) => issue.code === 'unsupported-layout')) {
    problems.push(
      problem(
        'error',
        'no-cameras',
        file,
        'no cameras under /observations/images.',
        'Record the episode with its cameras, or remove it from the dataset folder.',
      ),
    );
  }
  const counts = [
    ...episode.cameras.map((camera) => ({ name: camera.name, frames: camera.frames })),
    ...episode.arrays.map((array) => ({ name: array.name, frames: array.shape[0] ?? 0 })),
  ];
  if (counts.length > 0 && counts.every((count) => count.frames === 0)) {
    problems.push(
      problem(
        'error',
        'zero-length',
        file,
        'no frames: every camera and array is empty.',
        'Remove it from the dataset folder.',
      ),
    );
    return problems;
  }
  const fps = episode.fps;
  if (fps !== undefined && !(fps >= MIN_FPS && fps <= MAX_FPS)) {
    // A rate no recorder uses makes every duration and the conversion's stride meaningless (1e-300 Hz: 1e302 s).
    problems.push(
      problem(
        'warning',
        'implausible-fps',
        file,
        `the file says it was recorded at ${fps} Hz.`,
        `Durations and the conversion stride use that rate; fix the fps attribute (${MIN_FPS}–${MAX_FPS} Hz is expected).`,
      ),
    );
  }
  if (new Set(counts.map((count) => count.frames)).size > 1) {
    problems.push(
      problem(
        'error',
        'frame-count-mismatch',
        file,
        `frame counts differ: ${counts.map((count) => `${count.name} ${count.frames}`).join(', ')}.`,
        'Cameras and actions must have one entry per time step; re-export the episode or trim it to the shortest.',
      ),
    );
  }
  problems.push(...checkWidths(episode, options));
  const budget = new CheckBudget(limits.deadline);
  for (const array of episode.arrays) {
    if (array.dtype.startsWith('float') && !broken.has(array.dataset))
      problems.push(...checkFinite(episode, array.name, limits.fileBytes, budget));
  }
  for (const camera of episode.cameras) {
    if (!broken.has(camera.dataset)) problems.push(...checkFrames(episode, camera.name, options, budget));
  }
  if (budget.stoppedAt !== undefined) {
    problems.push(
      problem(
        'warning',
        'check-timeout',
        file,
        `checks stopped after ${options.checkSeconds} s at ${budget.stoppedAt}; the rest of the file was not checked.`,
        'Raise ctrlWorld.datasetCheckSeconds (CLI: --check-seconds) to check it whole.',
      ),
    );
  }
  return problems;
}

function checkWidths(episode: EpisodeFile, options: ScanOptions): Problem[] {
  const file = episode.path;
  const problems: Problem[] = [];
  for (const name of ['action', 'qpos']) {
    const array = episode.arrays.find((candidate) => candidate.name === name);
    if (!array) {
      const where = name === 'action' ? '/action' : '/observations/qpos';
      problems.push(
        name === 'action'
          ? problem(
              'error',
              'no-action',
              file,
              `no ${where} dataset.`,
              'Ctrl-World is conditioned on actions; record them or remove the episode.',
            )
          : problem(
              'warning',
              'no-qpos',
              file,
              `no ${where} dataset.`,
              'The converter takes the robot states from qpos; record it if you can.',
            ),
      );
      continue;
    }
    const width = array.shape.length === 2 ? array.shape[1] : array.shape.length === 1 ? 1 : undefined;
    if (width !== options.actionDim) {
      problems.push(
        problem(
          'error',
          `${name}-dim`,
          file,
          `${name} has shape (${array.shape.join(', ')}): ${width ?? 'not'} values per frame, but the config's action_dim is ${options.actionDim}.`,
          `Record ${options.actionDim}-D ${name === 'action' ? 'actions' : 'joint states'}, or set ctrlWorld.datasetActionDim to match action_dim in config_flexiv.py.`,
        ),
      );
    }
  }
  return problems;
}

function checkFinite(episode: EpisodeFile, name: string, fileBytes: number, budget: CheckBudget): Problem[] {
  const array = episode.array(name);
  const declaredRows = array.shape[0] ?? 0;
  const rows = Math.min(declaredRows, episode.storableRows(name, fileBytes));
  const problems: Problem[] = [];
  if (rows < declaredRows) {
    problems.push(
      problem(
        'warning',
        'unwritten-rows',
        episode.path,
        `${name} declares ${declaredRows} rows, but the file (${fileBytes} bytes) can hold at most ${rows} of them: ` +
          `the others were never written and read as zeros. Only the first ${rows} were checked.`,
        'Re-export the episode: a recording that stopped early left its arrays at their declared length.',
      ),
    );
  }
  const width = Math.max(
    1,
    array.shape.slice(1).reduce((product, size) => product * size, 1),
  );
  const blockRows = Math.max(1, Math.floor(BLOCK_ELEMENTS / width));
  let badRows = 0;
  let firstBad = -1;
  try {
    for (let start = 0; start < rows; start += blockRows) {
      if (budget.spent(() => `${name} row ${start} of ${declaredRows}`)) break;
      const values = episode.readArray(name, start, Math.min(rows, start + blockRows)) as Float64Array | Float32Array;
      for (let row = 0; row * width < values.length; row++) {
        for (let i = row * width; i < (row + 1) * width; i++) {
          if (!Number.isFinite(values[i]!)) {
            badRows++;
            if (firstBad < 0) firstBad = start + row;
            break;
          }
        }
      }
    }
  } catch (error) {
    return [...problems, problemFromError(episode.path, error)];
  }
  if (badRows === 0) return problems;
  return [
    ...problems,
    problem(
      'error',
      'non-finite',
      episode.path,
      `${name} has NaN or Inf values in ${badRows} of ${declaredRows} frames (first at frame ${firstBad}).`,
      'Training on them diverges; drop the episode or fix those frames before converting.',
    ),
  ];
}

/**
 * Frames to check: `samples` spread evenly, first and last included (damage at the end of a recording is the
 * usual kind). As one contiguous read when they are all the frames, else one read each: HDF5 maps every chunk
 * a strided selection spans, so one strided read costs more than a few single-frame reads.
 */
export function sampleSelections(frames: number, samples: number): RowSelection[] {
  if (frames <= 0 || samples <= 0) return [];
  if (frames <= samples) return [{ start: 0, count: frames, stride: 1 }];
  if (samples === 1) return [{ start: frames - 1, count: 1, stride: 1 }];
  const indices = new Set(Array.from({ length: samples }, (_, i) => Math.round((i * (frames - 1)) / (samples - 1))));
  return [...indices].map((start) => ({ start, count: 1, stride: 1 }));
}

function checkFrames(episode: EpisodeFile, cameraName: string, options: ScanOptions, budget: CheckBudget): Problem[] {
  const camera = episode.camera(cameraName);
  const selections = sampleSelections(
    camera.frames,
    camera.encoding === 'raw' ? RAW_SAMPLE_FRAMES : options.jpegSampleFrames,
  );
  const bad: Array<{ index: number; error: Hdf5Error }> = [];
  const sizes = new Set<string>();
  let checked = 0;
  for (const selection of selections) {
    if (budget.spent(() => `camera ${cameraName} frame ${selection.start} of ${camera.frames}`)) break;
    let results: ReturnType<EpisodeFile['readFrames']>;
    try {
      results = episode.readFrames(cameraName, selection);
    } catch (error) {
      if (!(error instanceof Hdf5Error)) throw error;
      results = Array.from({ length: selection.count }, () => error);
    }
    for (const [i, result] of results.entries()) {
      checked++;
      if (result instanceof Hdf5Error) bad.push({ index: selection.start + i * selection.stride, error: result });
      else sizes.add(`${result.height}x${result.width}`);
    }
  }
  const problems: Problem[] = [];
  if (bad.length > 0) {
    const first = bad[0]!.error;
    const reason = first.message.replace(/^[^:]*: /, '').replace(/\.$/, '');
    problems.push(
      problem(
        'error',
        first.code,
        episode.path,
        `camera ${cameraName}: ${bad.length} of ${checked} checked frames cannot be decoded (${bad.map((entry) => entry.index).join(', ')}); ${reason}.`,
        'Re-record or re-encode this episode; broken frames cannot be shown or converted.',
      ),
    );
  }
  if (sizes.size > 1) {
    problems.push(
      problem(
        'warning',
        'image-size-mismatch',
        episode.path,
        `camera ${cameraName} changes image size within the episode (${[...sizes].join(', ')}).`,
        'Frames are resized to 320x192 for training, but a changing size usually means mixed recordings.',
      ),
    );
  }
  return problems;
}
