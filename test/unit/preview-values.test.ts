import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valueRow } from '../../webview-ui/episodePreview/valuesTable';
import type { PreviewSeries } from '../../src/protocol/episodePreview';

const series = (frameStep: number, rows: number[][]): PreviewSeries => ({
  name: 'qpos',
  dimensions: rows[0]!.length,
  frameStep,
  values: Float64Array.from(rows.flat()),
});

test('the values at a frame are its row when every frame is plotted', () => {
  const qpos = series(1, [
    [0, 1],
    [2, 3],
    [4, Number.NaN],
  ]);
  assert.deepEqual(valueRow(qpos, 1), [2, 3]);
  assert.deepEqual(valueRow(qpos, 2), [4, Number.NaN]);
});

test('a long episode plotted every few frames gives the row at or before the frame, never past the end', () => {
  const qpos = series(10, [
    [0, 0],
    [10, 10],
    [20, 20],
  ]);
  assert.deepEqual(valueRow(qpos, 19), [10, 10]);
  assert.deepEqual(valueRow(qpos, 20), [20, 20]);
  assert.deepEqual(valueRow(qpos, 99), [20, 20]);
});

test('a series without rows has no values', () => {
  assert.equal(valueRow({ name: 'action', dimensions: 7, frameStep: 1, values: new Float64Array(0) }, 0), undefined);
});
