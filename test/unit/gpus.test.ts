import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { combineGpuQueries, parseComputeAppsCsv, parseGpuCsv } from '../../src/core/remote/gpus';
import { REPO_ROOT } from '../support/fixtures';

const reference = (name: string) =>
  readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference', name), 'utf8');

test('the real --query-gpu bytes, with and without units and header', () => {
  const lines = reference('nvidia-smi.txt').split('\n');
  const noHeaderNoUnits = lines.find((line) => /^0, NVIDIA H200, GPU-[\w-]+, 143771, 0, 143156, 0$/.test(line));
  assert.ok(noHeaderNoUnits);
  assert.deepEqual(parseGpuCsv(noHeaderNoUnits), [
    {
      index: 0,
      uuid: 'GPU-d58935d2-f8bb-9df7-c9b7-10d601b59769',
      name: 'NVIDIA H200',
      memoryTotalMiB: 143771,
      memoryUsedMiB: 0,
      memoryFreeMiB: 143156,
      utilizationPercent: 0,
    },
  ]);
  // The header line and the plain table are skipped; a unit suffix is tolerated.
  const withUnits = parseGpuCsv(
    lines.filter((line) => line.startsWith('index,') || line.includes('MiB, 0 MiB')).join('\n'),
  );
  assert.equal(withUnits.length, 1);
  assert.equal(withUnits[0].memoryTotalMiB, 143771);
});

test('the real --query-compute-apps bytes map processes to GPUs through the UUID', () => {
  const [header, withUnits, bare] = reference('nvidia-smi-compute-apps.txt').split('\n');
  assert.match(header, /used_gpu_memory \[MiB\]/);
  assert.deepEqual(parseComputeAppsCsv(`${header}\n${withUnits}`), [
    {
      gpuUuid: 'GPU-d58935d2-f8bb-9df7-c9b7-10d601b59769',
      pid: 754,
      name: '/opt/torch/.venv/bin/python',
      usedMemoryMiB: 4706,
    },
  ]);
  const gpus = combineGpuQueries(
    '0, NVIDIA H200, GPU-d58935d2-f8bb-9df7-c9b7-10d601b59769, 143771, 4715, 138441, 0\n1, NVIDIA H200, GPU-other, 143771, 0, 143156, [N/A]',
    bare,
  );
  assert.equal(gpus[0].processes[0].pid, 754);
  assert.deepEqual(gpus[1].processes, []);
  assert.equal(gpus[1].utilizationPercent, undefined);
});

test('a process name holding commas stays whole', () => {
  assert.equal(parseComputeAppsCsv('GPU-1, 99, /opt/a, b/python, 100')[0].name, '/opt/a, b/python');
});
