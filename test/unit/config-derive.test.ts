import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveFigures, memoryRemedies, parseConfig, type ConfigValue } from '../../src/core/config';
import { readConfigFixture } from '../support/configFixtures';

const seed = parseConfig(readConfigFixture('config_flexiv.py')).values;
const with_ = (changes: Record<string, ConfigValue>) => ({ ...seed, ...changes });

test('the seed config on 8 x A100 80GB: global batch 32, 10 checkpoints, 4 validations of 3 videos, ~40 h, 30-35 GB', () => {
  assert.deepEqual(deriveFigures(seed, { gpus: 8 }), {
    globalBatch: 32,
    checkpoints: 10,
    checkpointDiskGb: 80,
    validations: 4,
    videos: 12,
    estimatedHours: 40,
    memoryPerGpuGb: 32.5,
  });
});

test('the environment changes what it should: GPUs the global batch, checkpoint size the disk, a measured speed the time', () => {
  const figures = deriveFigures(seed, { gpus: 4, checkpointSizeGb: 9.5, secondsPerStep: 2 });
  assert.equal(figures.globalBatch, 16);
  assert.equal(figures.checkpointDiskGb, 95);
  assert.equal(figures.estimatedHours, 55.6);
  assert.equal(figures.memoryPerGpuGb, 32.5);
  assert.equal(deriveFigures(seed, { gpus: 8, referenceSecondsPerStep: 0.72 }).estimatedHours, 20);
});

test('memory responds to batch, frames, history, size and precision, not to accumulation', () => {
  const memory = (changes: Record<string, ConfigValue>) => deriveFigures(with_(changes), { gpus: 8 }).memoryPerGpuGb;
  assert.equal(memory({ train_batch_size: 2 }), 29.8);
  assert.equal(memory({ train_batch_size: 8 }), 38);
  assert.equal(memory({ num_frames: 3 }), 31.5);
  assert.equal(memory({ num_history: 2 }), 30.5);
  assert.equal(memory({ width: 640, height: 384 }), 49);
  assert.equal(memory({ mixed_precision: 'no' }), 38);
  assert.equal(memory({ gradient_accumulation_steps: 4 }), 32.5);
});

test('time scales with the work of an optimizer step; the global batch and validations follow their fields', () => {
  const figures = (changes: Record<string, ConfigValue>) => deriveFigures(with_(changes), { gpus: 8 });
  assert.equal(figures({ train_batch_size: 2, gradient_accumulation_steps: 2 }).estimatedHours, 40);
  assert.equal(figures({ train_batch_size: 2, gradient_accumulation_steps: 2 }).globalBatch, 32);
  assert.equal(figures({ train_batch_size: 8 }).estimatedHours, 80);
  assert.equal(figures({ max_train_steps: 50000 }).estimatedHours, 20);
  assert.deepEqual([figures({ video_num: 0 }).validations, figures({ video_num: 0 }).videos], [0, 0]);
  assert.deepEqual(
    [
      figures({ validation_steps: 10000, video_num: 1 }).validations,
      figures({ validation_steps: 10000, video_num: 1 }).videos,
    ],
    [10, 10],
  );
  assert.equal(figures({ checkpointing_steps: 30000 }).checkpoints, 3);
});

test('the FAQ remedies keep the global batch where they can', () => {
  const remedies = memoryRemedies(seed, { gpus: 8, gpuMemoryGb: 32 });
  assert.deepEqual(
    remedies.map((r) => [r.id, r.changes, r.memoryPerGpuGb, r.globalBatch, r.fits]),
    [
      ['halve-batch', { train_batch_size: 2, gradient_accumulation_steps: 2 }, 29.8, 32, true],
      ['fewer-frames', { num_frames: 3 }, 31.5, 32, true],
      ['both', { train_batch_size: 2, gradient_accumulation_steps: 2, num_frames: 3 }, 29.3, 32, true],
    ],
  );
  assert.equal(remedies[0]!.title, 'train_batch_size 4 → 2, gradient_accumulation_steps 1 → 2');
  // Batch 1 cannot be halved; 3 frames go to 2.
  const small = memoryRemedies(with_({ train_batch_size: 1, num_frames: 3 }), { gpus: 8, gpuMemoryGb: 20 });
  assert.deepEqual(
    small.map((r) => r.changes),
    [{ num_frames: 2 }],
  );
  // An odd batch: 3 → 1 with accumulation 3 keeps the global batch.
  assert.deepEqual(memoryRemedies(with_({ train_batch_size: 3 }), { gpus: 8 })[0]!.changes, {
    train_batch_size: 1,
    gradient_accumulation_steps: 3,
  });
});

test('unusable values fall back to defaults instead of NaN, so figures stay numbers', () => {
  const figures = deriveFigures(with_({ train_batch_size: 'four', max_train_steps: { expression: 'STEPS' } }), {
    gpus: 8,
  });
  assert.ok(Object.values(figures).every((value) => Number.isFinite(value)));
});
