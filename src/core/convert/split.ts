// Divides episodes into training and validation: a ratio drawn with a fixed seed, or every k-th episode.
import type { Split, SplitRule } from './types';

/** mulberry32: a small seeded generator, so the same seed gives the same split on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of `count` episodes go to validation: round(ratio x count), at least one when both splits can have one. */
export function validationCount(count: number, ratio: number): number {
  if (ratio <= 0 || count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(ratio * count)));
}

/**
 * The split of each key (episode files in their natural order). `ratio`: a seeded Fisher-Yates shuffle picks the
 * validation episodes; `every`: the k-th, 2k-th, … episode (upstream puts every 100th DROID episode in val).
 */
export function splitEpisodes(keys: readonly string[], rule: SplitRule): Map<string, Split> {
  const result = new Map<string, Split>(keys.map((key) => [key, 'train']));
  if (rule.kind === 'every') {
    keys.forEach((key, index) => {
      if ((index + 1) % rule.k === 0) result.set(key, 'val');
    });
    return result;
  }
  const order = [...keys];
  const random = seededRandom(rule.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const key of order.slice(0, validationCount(keys.length, rule.ratio))) result.set(key, 'val');
  return result;
}
