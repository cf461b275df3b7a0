import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimateMinMax, lowerBound } from '../../webview-ui/runDashboard/decimate';
import { emaSmooth } from '../../webview-ui/runDashboard/smoothing';

test("min/max decimation keeps each bucket's extremes in order and the visible range only", () => {
  const n = 100_000;
  const xs = Float64Array.from({ length: n }, (_, i) => i + 1);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i === 54_321 ? 10 : 0));
  const out = decimateMinMax({ xs, ys }, 1, n, 800);
  assert.ok(out.length <= 1600 && out.length > 800, `${out.length} points`);
  assert.ok(
    out.some((p) => p.x === 54_322 && p.y > 9),
    'the spike survives',
  );
  assert.ok(
    out.every((p, i) => i === 0 || p.x > out[i - 1].x),
    'x increasing',
  );
  assert.equal(Math.min(...out.map((p) => p.y)), Math.min(...ys));
  const zoomed = decimateMinMax({ xs, ys }, 1000, 1100, 800);
  assert.deepEqual([zoomed[0].x, zoomed.at(-1)!.x, zoomed.length], [999, 1101, 103]);
  assert.equal(lowerBound(xs, 0.5), 0);
  assert.equal(lowerBound(xs, n + 1), n);
  assert.deepEqual(decimateMinMax({ xs: [1, 2, 3], ys: [1, NaN, Infinity] }, 0, 10, 10), [{ x: 1, y: 1 }]);
});

test('decimation always ends, even where rounding puts a point on a bucket edge', () => {
  // Found by search: with these sizes an earlier version computed a bucket end equal to a point and stopped advancing.
  for (const [n, buckets, scale] of [
    [3991, 1270, 1],
    [8976, 1500, 100],
    [9973, 600, 1],
  ]) {
    const xs = Array.from({ length: n }, (_, i) => scale * (i + 1));
    const out = decimateMinMax({ xs, ys: xs.map((x) => Math.sin(x)) }, scale, scale * n, buckets);
    assert.ok(
      out.length > buckets && out.length <= 2 * buckets,
      `${n} points into ${buckets} buckets gave ${out.length}`,
    );
    assert.equal(out.at(-1)!.x, scale * n);
  }
});

test('EMA smoothing is debiased at the start and skips values it cannot use', () => {
  assert.deepEqual(
    [...emaSmooth([2, 2, 2], 0.9)].map((v) => Number(v.toFixed(12))),
    [2, 2, 2],
  );
  assert.deepEqual([...emaSmooth([1, 3], 0)], [1, 3]);
  const smoothed = emaSmooth([1, NaN, 3], 0.5);
  assert.equal(smoothed[1], 1);
  assert.ok(Math.abs(smoothed[2] - (0.5 * 0.5 + 0.5 * 3) / (1 - 0.25)) < 1e-12);
});
