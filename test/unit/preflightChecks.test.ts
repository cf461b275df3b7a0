import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkoutCheck,
  datasetCheck,
  datasetNames,
  diskCheck,
  gpuCheck,
  outputDirCheck,
  portCheck,
  pythonEnvCheck,
  wandbCheck,
  type ProbeAnswer,
} from '../../src/core/training/preflightChecks';
import type { GpuInfo } from '../../src/core/remote/gpus';
import type { DerivedFigures } from '../../src/core/config';

function probe(overrides: Partial<ProbeAnswer> = {}): ProbeAnswer {
  return {
    python: '3.10.12',
    paths: {},
    files: {},
    globs: {},
    git: null,
    ports: {},
    disk: {},
    packages: { torch: '2.7.1', diffusers: '0.34.0', accelerate: '1.10.0' },
    commands: { accelerate: '/opt/env/bin/accelerate', tmux: null },
    ...overrides,
  };
}

const figures: DerivedFigures = {
  globalBatch: 32,
  checkpoints: 10,
  checkpointDiskGb: 80,
  validations: 4,
  videos: 12,
  estimatedHours: 40,
  memoryPerGpuGb: 32.5,
};
const gpu = (index: number, freeMiB: number, processes: GpuInfo['processes'] = []): GpuInfo => ({
  index,
  uuid: `GPU-${index}`,
  name: 'NVIDIA A100-SXM4-80GB',
  memoryTotalMiB: 81920,
  memoryUsedMiB: 81920 - freeMiB,
  memoryFreeMiB: freeMiB,
  processes,
});

test('the Python environment shows versions, and names what is missing with the setting that fixes it', () => {
  assert.match(
    pythonEnvCheck(probe(), false).message,
    /torch 2\.7\.1 · diffusers 0\.34\.0 · accelerate 1\.10\.0 \(Python 3\.10\.12\)/,
  );
  const missing = pythonEnvCheck(probe({ packages: { torch: null, diffusers: '0.34.0', accelerate: null } }), false);
  assert.equal(missing.ok, false);
  assert.match(missing.message, /^torch, accelerate are not installed/);
  assert.equal(missing.fix, 'edit-env-setup');
  assert.match(pythonEnvCheck(probe(), true).message, /tmux is not installed/);
});

test('the checkout is there when its train_wm.py is; its commit is shown', () => {
  const found = checkoutCheck(
    probe({ files: { train: '# train' }, git: { commit: '4c713d1a2b3c4d5e', dirty: true } }),
    '/w',
  );
  assert.equal(found.ok, true);
  assert.match(found.message, /commit 4c713d1a2b with uncommitted changes/);
  assert.equal(checkoutCheck(probe({ files: { train: null } }), '/nope').ok, false);
});

test('GPUs: unknown, busy, or short of the memory estimate', () => {
  assert.match(gpuCheck([gpu(0, 80000)], [3], figures).message, /no GPU 3/);
  const busy = gpuCheck(
    [gpu(0, 80000), gpu(1, 20000, [{ pid: 42, name: 'python', usedMemoryMiB: 60000 }])],
    [0, 1],
    figures,
  );
  assert.match(busy.message, /GPU 1: pid 42 python \(58\.6 GiB\)/);
  assert.equal(busy.fix, 'pick-gpus');
  const small = gpuCheck([gpu(0, 24 * 1024)], [0], figures);
  assert.match(small.message, /needs about 32\.5 GB per GPU, but GPU 0 has 24\.0 GiB free/);
  assert.equal(small.fix, 'open-config');
  assert.ok(gpuCheck([gpu(0, 80000), gpu(1, 80000)], [0, 1], figures).ok);
});

test('disk, output folder, port and WandB', () => {
  assert.ok(diskCheck(probe({ disk: { '/out': { freeBytes: 200e9, checked: '/' } } }), '/out', figures).ok);
  assert.match(
    diskCheck(probe({ disk: { '/out': { freeBytes: 50e9, checked: '/data' } } }), '/out', figures).message,
    /10 checkpoints need about 80 GB, but only 50\.0 GB are free on \/data/,
  );
  const used = outputDirCheck(
    probe({
      globs: {
        checkpoints: [
          { path: '/out/checkpoint-10000.pt', size: 1 },
          { path: '/out/checkpoint-20000.pt', size: 1 },
        ],
      },
    }),
    '/out',
    undefined,
  );
  assert.match(used.message, /holds 2 checkpoints \(up to checkpoint-20000\.pt\)/);
  assert.match(outputDirCheck(probe(), '/out', '20261128_000000_abcd').message, /still writing/);
  assert.ok(outputDirCheck(probe({ globs: { checkpoints: [] } }), '/out', undefined).ok);
  assert.equal(portCheck(probe({ ports: { 29501: false } }), 29501).fix, 'pick-port');
  assert.equal(wandbCheck('no-key').fix, 'set-wandb-key');
  assert.ok(wandbCheck('offline').ok);
});

test('the frozen dataset_cfgs pitfall is named, and missing meta files are listed', () => {
  assert.match(
    datasetCheck(probe(), ['flexiv_1120'], ['flexiv_1113'], []).message,
    /evaluated before dataset_names changed/,
  );
  const missing = datasetCheck(
    probe({ paths: { a: { exists: true, isDir: true, size: 0 }, b: { exists: false, isDir: false, size: null } } }),
    ['x'],
    ['x'],
    [
      { key: 'a', path: '/d/x' },
      { key: 'b', path: '/m/x/stat.json' },
    ],
  );
  assert.match(missing.message, /Not found: \/m\/x\/stat\.json/);
  assert.deepEqual(datasetNames('droid+flexiv_1113'), ['droid', 'flexiv_1113']);
  assert.deepEqual(datasetNames(['a', 'b']), ['a', 'b']);
});
