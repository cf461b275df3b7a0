// Pure parts of the dataset core: natural order, frame sampling, filter names, cross-episode checks, the JSON contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNatural, toScanJson, type EpisodeSummary, type ScanResult } from '../../src/core/dataset';
import { buildDatasets } from '../../src/core/dataset/datasets';
import { sampleSelections } from '../../src/core/dataset/episodeChecks';
import { availableFilterIds, describePipeline, filterName, firstUnavailableFilter } from '../../src/core/hdf5/filters';
import { lastDiagnosticDetail } from '../../src/core/hdf5/openFailure';

test('natural order puts episode_2 before episode_10, ignoring case', () => {
  assert.deepEqual(['episode_10', 'Episode_2', 'episode_1', 'a/episode_3'].sort(compareNatural), [
    'a/episode_3',
    'episode_1',
    'Episode_2',
    'episode_10',
  ]);
});

test('sampled frames are spread over the episode, first and last included, one read each', () => {
  const indices = (frames: number, samples: number) =>
    sampleSelections(frames, samples).flatMap((s) => Array.from({ length: s.count }, (_, i) => s.start + i * s.stride));
  assert.deepEqual(indices(450, 8), [0, 64, 128, 192, 257, 321, 385, 449]);
  assert.deepEqual(
    sampleSelections(5, 8),
    [{ start: 0, count: 5, stride: 1 }],
    'short episodes: every frame in one read',
  );
  assert.deepEqual(indices(100, 1), [99]);
  assert.deepEqual(indices(0, 8), []);
});

test('filters have the names users know, and unknown ones are found', () => {
  const blosc = (compressor: number) => ({ id: 32001, name: 'blosc', cd_values: [2, 2, 1, 0, 5, 1, compressor] });
  assert.equal(filterName(blosc(5)), 'blosc-zstd');
  assert.equal(filterName(blosc(0)), 'blosc');
  assert.equal(filterName({ id: 32008, name: '', cd_values: [0, 3, 1, 0, 2] }), 'bitshuffle-lz4');
  assert.equal(
    describePipeline([
      { id: 2, name: 'shuffle', cd_values: [] },
      { id: 1, name: 'deflate', cd_values: [4] },
    ]),
    'shuffle+gzip',
  );
  assert.equal(describePipeline([]), null);
  const available = availableFilterIds(new Set(['lzf', 'blosc']));
  assert.deepEqual(
    firstUnavailableFilter(
      [
        { id: 32000, name: 'lzf', cd_values: [] },
        { id: 32015, name: 'zstd', cd_values: [] },
      ],
      available,
    )?.id,
    32015,
  );
  assert.equal(filterName({ id: 32099, name: '', cd_values: [] }), 'filter-32099');
});

test('the innermost HDF5 error line is the one a message quotes', () => {
  const stack =
    'HDF5-DIAG: Error detected in HDF5 (1.14.6):\n  #000: H5F.c line 827 in H5Fopen(): unable to open file\n    major: File\n  #001: H5Fsuper.c line 593 in H5F__super_read(): truncated file: eof = 4096\n    minor: x\n';
  assert.equal(lastDiagnosticDetail(stack), 'truncated file: eof = 4096');
  assert.equal(lastDiagnosticDetail(''), '');
});

function summary(file: string, cameras: Array<[string, number, number]>): EpisodeSummary {
  return {
    path: `/data/${file}`,
    file,
    sizeBytes: 10,
    mtimeMs: 1,
    frames: 30,
    fps: 30,
    fpsFromFile: false,
    readable: true,
    problems: [],
    arrays: {},
    cameras: cameras.map(([name, height, width]) => ({
      name,
      frames: 30,
      height,
      width,
      encoding: 'jpeg',
      filter: null,
    })),
  };
}

test('cross-episode checks: a camera most episodes have, and the image size most share', () => {
  const three: Array<[string, number, number]> = [
    ['cam_high', 480, 640],
    ['cam_left_wrist', 480, 640],
    ['cam_right_wrist', 480, 640],
  ];
  const { episodes, datasets } = buildDatasets('/data', [
    summary('set/a.hdf5', three),
    summary('set/b.hdf5', three),
    summary('set/c.hdf5', three.slice(0, 2)),
    summary('set/d.hdf5', [['cam_high', 240, 320], ...three.slice(1)]),
    summary('other/e.hdf5', three.slice(0, 1)),
  ]);
  const problems = Object.fromEntries(episodes.map((e) => [e.file, e.problems.map((p) => p.code)]));
  assert.deepEqual(problems, {
    'set/a.hdf5': [],
    'set/b.hdf5': [],
    'set/c.hdf5': ['missing-camera'],
    'set/d.hdf5': ['image-size-mismatch'],
    'other/e.hdf5': [],
  });
  assert.deepEqual(
    datasets.map((d) => [d.relative, d.episodes.length, d.errors, d.warnings]),
    [
      ['other', 1, 0, 0],
      ['set', 4, 1, 1],
    ],
  );
  assert.equal(datasets[1]!.durationSeconds, 4);
});

test("the scan JSON has exactly the contract's keys", () => {
  const episode = {
    ...summary('set/a.hdf5', [['cam_high', 4, 4]]),
    arrays: { action: { shape: [30, 7], dtype: 'float64' } },
  };
  const result: ScanResult = {
    root: '/data',
    episodes: [episode],
    datasets: [],
    filesRead: 1,
    summary: { episodes: 1, frames: 30, errors: 0, warnings: 0 },
  };
  assert.deepEqual(toScanJson(result), {
    root: '/data',
    episodes: [
      {
        file: 'set/a.hdf5',
        frames: 30,
        sizeBytes: 10,
        cameras: [{ name: 'cam_high', frames: 30, height: 4, width: 4, encoding: 'jpeg', filter: null }],
        arrays: { action: { shape: [30, 7], dtype: 'float64' } },
        problems: [],
      },
    ],
    summary: { episodes: 1, frames: 30, errors: 0, warnings: 0 },
  });
});
