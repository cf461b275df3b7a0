// train_sample.json / val_sample.json: one entry per start frame that leaves room for the predicted frames.
import { READER_MAX_SKIP } from './types';
import type { SampleEntry } from './layout';

/** The last frame a sample starting at `start` may read: start + (num_frames - 1) x the reader's largest skip. */
export function framesNeeded(numFrames: number): number {
  return 1 + (numFrames - 1) * READER_MAX_SKIP;
}

/** Start frames 0, interval, 2 x interval, … whose future frames all fall inside `videoLength` frames. */
export function sampleStarts(videoLength: number, numFrames: number, startInterval: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start + framesNeeded(numFrames) <= videoLength; start += startInterval) starts.push(start);
  return starts;
}

export function sampleEntries(
  episodeId: number,
  videoLength: number,
  numFrames: number,
  startInterval: number,
): SampleEntry[] {
  return sampleStarts(videoLength, numFrames, startInterval).map((start) => ({
    episode_id: episodeId,
    frame_ids: [start],
  }));
}
