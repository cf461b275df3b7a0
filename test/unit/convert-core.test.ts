// The conversion's pure parts: the split, numpy's percentile, sample windows, the stride rule and option checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitEpisodes, validationCount } from '../../src/core/convert/split';
import { percentile, stateStatistics } from '../../src/core/convert/stats';
import { framesNeeded, sampleStarts } from '../../src/core/convert/samples';
import { resolveStride, strideProblem } from '../../src/core/convert/annotation';
import { checkConvertOptions, ConvertOptionsError, DEFAULT_CONVERT_OPTIONS } from '../../src/core/convert';

const keys = Array.from({ length: 20 }, (_, i) => `episode_${i}.hdf5`);

test('a ratio split is fixed by its seed, sized by the ratio, and differs between seeds', () => {
  const first = splitEpisodes(keys, { kind: 'ratio', ratio: 0.1, seed: 0 });
  assert.deepEqual(splitEpisodes(keys, { kind: 'ratio', ratio: 0.1, seed: 0 }), first, 'same seed, same split');
  const val = [...first].filter(([, split]) => split === 'val').map(([key]) => key);
  assert.equal(val.length, 2);
  const other = [...splitEpisodes(keys, { kind: 'ratio', ratio: 0.1, seed: 7 })]
    .filter(([, split]) => split === 'val')
    .map(([key]) => key);
  assert.notDeepEqual(other, val, 'another seed draws other episodes');
  assert.equal(validationCount(20, 0), 0);
  assert.equal(validationCount(3, 0.1), 1, 'at least one validation episode when there can be one');
  assert.equal(validationCount(1, 0.5), 0, 'a single episode stays in training');
  assert.equal(validationCount(4, 0.99), 3, 'training keeps at least one');
});

test('"every k-th" puts episodes k, 2k, … (counting from 1) into validation', () => {
  const split = splitEpisodes(keys.slice(0, 10), { kind: 'every', k: 4 });
  assert.deepEqual(
    [...split].filter(([, s]) => s === 'val').map(([key]) => key),
    ['episode_3.hdf5', 'episode_7.hdf5'],
  );
});

test('percentile interpolates linearly between ranks like numpy.percentile', () => {
  const sorted = Float64Array.from([1, 2, 3, 4]);
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile(sorted, 100), 4);
  assert.ok(Math.abs(percentile(sorted, 1) - 1.03) < 1e-12, 'rank 0.03');
  assert.ok(Math.abs(percentile(sorted, 99) - 3.97) < 1e-12, 'rank 2.97');
  assert.deepEqual(percentile(Float64Array.from([5]), 99), 5);
  const stat = stateStatistics(
    [
      [
        [0, 10],
        [1, 30],
      ],
      [[2, 20]],
    ],
    2,
  );
  assert.ok(
    Math.abs(stat.state_01[0]! - 0.02) < 1e-12 && Math.abs(stat.state_99[1]! - 29.8) < 1e-12,
    JSON.stringify(stat),
  );
});

test('samples start where num_frames future frames at skip 2 still fit', () => {
  assert.equal(framesNeeded(5), 9);
  assert.deepEqual(sampleStarts(12, 5, 1), [0, 1, 2, 3]);
  assert.deepEqual(sampleStarts(20, 5, 4), [0, 4, 8]);
  assert.deepEqual(sampleStarts(8, 5, 1), [], 'too short for one sample');
  assert.deepEqual(sampleStarts(9, 5, 1), [0]);
});

test('the stride aims at 5 Hz in multiples of down_sample, and refuses strides the reader cannot align', () => {
  const options = { targetFps: 5, downSample: 3, stride: undefined };
  assert.equal(resolveStride(30, options), 6, '30 Hz → 5 Hz');
  assert.equal(resolveStride(15, options), 3, '15 Hz → 5 Hz, as upstream');
  assert.equal(resolveStride(10, options), 3, 'never below down_sample');
  assert.equal(resolveStride(60, options), 12);
  assert.equal(resolveStride(30, { ...options, stride: 9 }), 9, 'a given stride is kept');
  assert.equal(strideProblem(6, 3), undefined);
  assert.match(strideProblem(4, 3)!, /not a multiple of the config's down_sample 3/);
});

test('bad options are refused before anything is read, naming the option', () => {
  const base = { ...DEFAULT_CONVERT_OPTIONS, name: 'flexiv_1113' };
  assert.doesNotThrow(() => checkConvertOptions(base));
  const refusals: Array<[Partial<typeof base>, RegExp]> = [
    [{ name: '../x' }, /cannot be a dataset name/],
    [{ split: { kind: 'ratio', ratio: 1, seed: 0 } }, /ratio 1 is outside/],
    [{ split: { kind: 'every', k: 1 } }, /k of 2 or more/],
    [{ views: ['cam_high', 'cam_high', 'cam_left_wrist'] }, /distinct cameras/],
    [{ width: 300 }, /width 300 is not a positive multiple of 8/],
    [{ stride: 4 }, /stride cannot be used/],
    [{ numFrames: 0 }, /num_frames must be a whole number/],
  ];
  for (const [change, message] of refusals) {
    assert.throws(
      () => checkConvertOptions({ ...base, ...change }),
      (error: unknown) => error instanceof ConvertOptionsError && message.test(error.message),
      JSON.stringify(change),
    );
  }
});
