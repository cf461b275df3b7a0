import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseConfig,
  parseConfigDocument,
  validateConfig,
  validateDocument,
  type ConfigIssue,
  type ConfigValue,
} from '../../src/core/config';
import { configSource, readConfigFixture } from '../support/configFixtures';

const seed = parseConfig(readConfigFixture('config_flexiv.py')).values;
const env = { gpus: 8, gpuMemoryGb: 80 };

function check(changes: Record<string, ConfigValue | undefined>, environment = env) {
  const values: Record<string, ConfigValue> = { ...seed };
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) delete values[field];
    else values[field] = value;
  }
  return validateConfig(values, environment);
}

function only(issues: ConfigIssue[], field: string) {
  const found = issues.filter((issue) => issue.field === field);
  assert.equal(found.length, 1, `one issue on ${field}: ${JSON.stringify(issues)}`);
  return found[0]!;
}

test('the Flexiv config and the upstream-shaped one are clean', () => {
  assert.deepEqual(validateConfig(seed, env), { errors: [], warnings: [] });
  assert.deepEqual(validateConfig(parseConfig(readConfigFixture('config_upstream.py')).values, env), {
    errors: [],
    warnings: [],
  });
});

test('types and ranges, each naming the field, with a fix', () => {
  assert.match(
    only(check({ train_batch_size: 0 }).errors, 'train_batch_size').message,
    /train_batch_size must be at least 1; it is 0/,
  );
  assert.match(
    only(check({ train_batch_size: 2.5 }).errors, 'train_batch_size').message,
    /must be a whole number; it is 2.5/,
  );
  assert.match(
    only(check({ train_batch_size: 'four' }).errors, 'train_batch_size').message,
    /must be a number; it is "four"/,
  );
  assert.match(only(check({ learning_rate: 0 }).errors, 'learning_rate').message, /must be more than 0/);
  assert.match(only(check({ learning_rate: 0.01 }).warnings, 'learning_rate').message, /unusually high/);
  assert.match(
    only(check({ mixed_precision: 'fp32' }).errors, 'mixed_precision').message,
    /one of "no", "fp16", "bf16"/,
  );
  assert.match(only(check({ shuffle: 1 }).errors, 'shuffle').message, /True or False/);
  assert.match(only(check({ dtype: 'bfloat16' }).errors, 'dtype').message, /torch\.bfloat16/);
  assert.match(
    only(check({ svd_model_path: null }).errors, 'svd_model_path').message,
    /is None, but training needs a value/,
  );
  assert.match(only(check({ tag: ' ' }).errors, 'tag').message, /tag is empty/);
  assert.match(only(check({ prob: ['a'] }).errors, 'prob').message, /list of non-negative numbers/);
  assert.deepEqual(only(check({ num_history: 0 }).errors, 'num_history').fix?.changes, { num_history: 1 });
  assert.match(only(check({ num_frames: -1 }).errors, 'num_frames').message, /at least 1/);
  assert.deepEqual(check({ ckpt_path: null }).errors, []);
});

test('width and height must be multiples of 64, and 320x192 is the only size upstream can train', () => {
  const { errors } = check({ width: 300 });
  assert.match(only(errors, 'width').message, /multiple of 64, as SVD's VAE and UNet need; it is 300\. Use 320/);
  assert.deepEqual(only(errors, 'width').fix?.changes, { width: 320 });
  // Multiples of 64, but upstream's dataset reader and validation hard-code the 72x40 latent stack of 320x192.
  const other = only(check({ width: 256, height: 256 }).errors, 'width');
  assert.match(other.message, /256x256.*\(frames, 4, 72, 40\).*first batch would fail/);
  assert.deepEqual(other.fix?.changes, { width: 320, height: 192 });
});

test('checkpointing_steps and validation_steps are at most max_train_steps', () => {
  assert.match(
    only(check({ checkpointing_steps: 120000 }).errors, 'checkpointing_steps').message,
    /no.*single checkpoint|without saving a single checkpoint/,
  );
  assert.deepEqual(only(check({ checkpointing_steps: 120000 }).errors, 'checkpointing_steps').fix?.changes, {
    checkpointing_steps: 10000,
  });
  assert.match(
    only(check({ validation_steps: 200000 }).errors, 'validation_steps').message,
    /no validation video would ever be generated/,
  );
  assert.match(
    only(check({ max_train_steps: 95000 }).warnings, 'max_train_steps').message,
    /last 5000 steps \(after checkpoint-90000\.pt\) are never saved/,
  );
  // With validation off, its interval does not matter.
  assert.deepEqual(check({ validation_steps: 200000, video_num: 0 }).errors, []);
});

test('video_num 0 says validation is off', () => {
  assert.match(only(check({ video_num: 0 }).warnings, 'video_num').message, /validation is off/);
});

test('dataset names, meta folders and probabilities must pair up', () => {
  assert.match(
    only(check({ dataset_names: 'a+b', dataset_cfgs: 'a', prob: [0.5, 0.5] }).errors, 'dataset_cfgs').message,
    /1 meta folder\(s\) but dataset_names names 2/,
  );
  assert.match(
    only(check({ dataset_names: 'a+b', dataset_cfgs: 'a+b' }).errors, 'prob').message,
    /prob has 1 value\(s\) but there are 2 dataset\(s\)/,
  );
  assert.deepEqual(only(check({ dataset_names: 'a+b', dataset_cfgs: 'a+b' }).errors, 'prob').fix?.changes, {
    prob: [0.5, 0.5],
  });
  assert.match(only(check({ prob: [0.5] }).warnings, 'prob').message, /sums to 0\.5/);
  assert.match(
    only(check({ dataset_cfgs: 'droid_subset' }).warnings, 'dataset_cfgs').message,
    /--dataset_names on the command line does not change dataset_cfgs/,
  );
});

test('ckpt_path inside output_dir is the resume pitfall, with a new folder as the fix', () => {
  const { errors } = check({ ckpt_path: './model_ckpt/flexiv_finetune/checkpoint-50000.pt' });
  const issue = only(errors, 'output_dir');
  assert.match(issue.message, /overwriting the earlier run's, checkpoint-50000\.pt included/);
  assert.deepEqual(issue.fix?.changes, { output_dir: 'model_ckpt/flexiv_finetune_from_50000' });
  assert.deepEqual(check({ ckpt_path: 'model_ckpt/flexiv_finetune_old/checkpoint-50000.pt' }).errors, []);
});

test('a field missing from the file is an error that offers to add it', () => {
  const issue = only(check({ decode_chunk_size: undefined }).errors, 'decode_chunk_size');
  assert.match(issue.message, /not set in the file: train_wm\.py reads args\.decode_chunk_size/);
  assert.deepEqual(issue.fix?.changes, { decode_chunk_size: 7 });
});

test("memory over the GPU's is a warning listing the FAQ remedies, the fitting one offered", () => {
  const issue = only(check({}, { gpus: 8, gpuMemoryGb: 32 }).warnings, 'train_batch_size');
  assert.match(issue.message, /~32\.5 GB per GPU, more than the 32 GB/);
  assert.match(
    issue.message,
    /train_batch_size 4 → 2, gradient_accumulation_steps 1 → 2 \(~29\.8 GB, global batch 32\)/,
  );
  assert.match(issue.message, /num_frames 5 → 3 \(~31\.5 GB, global batch 32\)/);
  assert.deepEqual(issue.fix?.changes, { train_batch_size: 2, gradient_accumulation_steps: 2 });
  assert.match(only(check({}, { gpus: 8, gpuMemoryGb: 24 }).warnings, 'train_batch_size').message, /None of them fits/);
});

test('source-level: dataset_cfgs frozen before dataset_names is set again', () => {
  const source = configSource(
    "dataset_names = 'droid_subset'\ndataset_cfgs = dataset_names\ndataset_names = 'flexiv_1113'",
  );
  const { errors } = validateDocument(parseConfigDocument(source), env);
  const issue = only(errors, 'dataset_cfgs');
  assert.match(
    issue.message,
    /dataset_cfgs = dataset_names \(line 8\) took the value dataset_names had at that line \("droid_subset"\); dataset_names is set again on line 9 \("flexiv_1113"\)/,
  );
  assert.deepEqual(issue.fix?.changes, { dataset_cfgs: 'flexiv_1113' });
});

test("debug with more than one video is an error: upstream's validation lays out one row and fails at video 1", () => {
  assert.match(
    only(check({ debug: true, video_num: 3 }).errors, 'debug').message,
    /second video gets no samples.*torch\.cat/,
  );
  assert.deepEqual(only(check({ debug: true, video_num: 3 }).errors, 'debug').fix?.changes, { debug: false });
  assert.equal(check({ debug: true, video_num: 1 }).errors.filter((issue) => issue.field === 'debug').length, 0);
});
