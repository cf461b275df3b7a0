// Compares two HDF5 sources over everything an episode reader asks: names, metadata, every row, root attributes.
import assert from 'node:assert/strict';
import { isNumeric, type DatasetInfo } from '../../src/core/hdf5/slice';
import type { Hdf5Source } from '../../src/core/hdf5/source';

function datasetPaths(source: Hdf5Source, group = '/'): Array<{ path: string; info: DatasetInfo }> {
  const found: Array<{ path: string; info: DatasetInfo }> = [];
  for (const name of source.childNames(group)) {
    const child = `${group === '/' ? '' : group}/${name}`;
    const info = source.datasetInfo(child);
    if (info) found.push({ path: child, info });
    else found.push(...datasetPaths(source, child));
  }
  return found;
}

/** Asserts that `actual` answers every question exactly as `expected` does; returns the datasets compared. */
export function assertSameSource(file: string, actual: Hdf5Source, expected: Hdf5Source): string[] {
  assert.deepEqual(actual.rootAttributes(), expected.rootAttributes(), `${file}: root attributes`);
  const expectedDatasets = datasetPaths(expected);
  assert.deepEqual(
    datasetPaths(actual).map(({ path, info }) => ({ path, info })),
    expectedDatasets,
    `${file}: datasets and their metadata`,
  );
  for (const { path, info } of expectedDatasets) {
    const rows = info.shape[0] ?? 0;
    const all = { start: 0, count: rows, stride: 1 };
    if (info.dtype === 'vlen') {
      assert.deepEqual(actual.readVariableLength(file, info, all), expected.readVariableLength(file, info, all), path);
      continue;
    }
    if (!isNumeric(info) || rows === 0) continue;
    const bytes = info.shape.reduce((product, size) => product * size, info.itemSize);
    assert.deepEqual(actual.readRows(file, info, all, bytes), expected.readRows(file, info, all, bytes), path);
    const strided = { start: 1, count: Math.floor((rows - 2) / 3) + 1, stride: 3 };
    if (rows > 2) {
      const stridedBytes = (bytes / rows) * strided.count;
      assert.deepEqual(
        actual.readRows(file, info, strided, stridedBytes),
        expected.readRows(file, info, strided, stridedBytes),
        `${path}, every third row`,
      );
    }
  }
  return expectedDatasets.map(({ path }) => path);
}
