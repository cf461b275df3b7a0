// Exponential moving average for noisy training curves, debiased at the start as TensorBoard does, so the first
// points are not dragged towards zero.

/** `weight` in [0, 1): 0 leaves the values as they are, 0.99 smooths hard. NaN and infinite values are skipped. */
export function emaSmooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) {
      out[i] = count > 0 ? last / (1 - weight ** count) : NaN;
      continue;
    }
    last = last * weight + (1 - weight) * value;
    count += 1;
    out[i] = weight === 0 ? value : last / (1 - weight ** count);
  }
  return out;
}
