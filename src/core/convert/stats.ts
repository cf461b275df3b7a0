// stat.json: the 1st and 99th percentiles of the states, per dimension, that train_wm scales actions with.
import type { StatJson } from './layout';

/** numpy.percentile's default ("linear"): the value at rank p/100 x (n-1) of the sorted values, interpolated. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(sorted.length - 1, low + 1);
  const fraction = rank - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * fraction;
}

/** Percentiles of every column over all rows of every episode (the training split's states at the video rate). */
export function stateStatistics(episodes: ReadonlyArray<readonly (readonly number[])[]>, dim: number): StatJson {
  const rows = episodes.reduce((sum, states) => sum + states.length, 0);
  const state01: number[] = [];
  const state99: number[] = [];
  for (let column = 0; column < dim; column++) {
    const values = new Float64Array(rows);
    let offset = 0;
    for (const states of episodes) for (const row of states) values[offset++] = row[column]!;
    values.sort();
    state01.push(percentile(values, 1));
    state99.push(percentile(values, 99));
  }
  return { state_01: state01, state_99: state99 };
}
