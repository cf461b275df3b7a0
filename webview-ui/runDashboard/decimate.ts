// Keeps a chart of 100k+ points fluid: only the visible range is drawn, reduced to the lowest and highest point of
// each pixel-wide bucket (in their order), which keeps every spike a full drawing would show.

export interface Points {
  readonly xs: ArrayLike<number>;
  readonly ys: ArrayLike<number>;
}

export interface XY {
  x: number;
  y: number;
}

/** The first index whose x is >= value (xs increasing). */
export function lowerBound(xs: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = xs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (xs[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The points with x in [from, to] (plus one on each side, so lines reach the edges), at most two per bucket.
 * NaN and infinite values are left out: a log scale cannot draw them and one diverged step should not hide the rest.
 */
export function decimateMinMax(points: Points, from: number, to: number, buckets: number): XY[] {
  const { xs, ys } = points;
  const start = Math.max(0, lowerBound(xs, from) - 1);
  let beyond = lowerBound(xs, to);
  while (beyond < xs.length && xs[beyond] === to) beyond++;
  const end = Math.min(xs.length, beyond + 1);
  const count = end - start;
  const out: XY[] = [];
  if (count <= 0) return out;
  if (count <= buckets * 2) {
    for (let i = start; i < end; i++) if (Number.isFinite(ys[i])) out.push({ x: xs[i], y: ys[i] });
    return out;
  }
  const first = xs[start];
  const width = (xs[end - 1] - first) / buckets || 1;
  // Every point's bucket comes from the same expression, and each pass takes at least one point: no floating-point
  // rounding at a bucket's edge can stop the loop from advancing.
  const bucketOf = (x: number) => Math.min(buckets - 1, Math.floor((x - first) / width));
  let i = start;
  while (i < end) {
    const bucket = bucketOf(xs[i]);
    let minIndex = -1;
    let maxIndex = -1;
    do {
      const y = ys[i];
      if (Number.isFinite(y)) {
        if (minIndex < 0 || y < ys[minIndex]) minIndex = i;
        if (maxIndex < 0 || y > ys[maxIndex]) maxIndex = i;
      }
      i++;
    } while (i < end && bucketOf(xs[i]) === bucket);
    if (minIndex < 0) continue;
    const [low, high] = minIndex <= maxIndex ? [minIndex, maxIndex] : [maxIndex, minIndex];
    out.push({ x: xs[low], y: ys[low] });
    if (high !== low) out.push({ x: xs[high], y: ys[high] });
  }
  return out;
}
