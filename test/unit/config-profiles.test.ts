import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_PROFILES,
  ConfigError,
  FIELDS,
  parseConfig,
  parseProfile,
  profileChanges,
  profileFromValues,
  renderConfigFile,
  setConfigValues,
  stringifyProfile,
  validateConfig,
} from '../../src/core/config';
import { readConfigFixture } from '../support/configFixtures';

const flexiv = readConfigFixture('config_flexiv.py');

test('built-in profiles survive YAML and back', () => {
  for (const profile of BUILTIN_PROFILES) {
    const yaml = stringifyProfile(profile);
    assert.match(yaml, /^# Ctrl-World Flexiv training profile/);
    assert.deepEqual(parseProfile(yaml, 'ignored'), profile);
  }
  assert.match(stringifyProfile(BUILTIN_PROFILES[0]!), /^ {2}dtype: torch\.bfloat16$/m);
});

test('a YAML profile is read by field type, and wrong ones are refused naming the field', () => {
  const profile = parseProfile(
    'fields:\n  learning_rate: 1e-5\n  dtype: float32\n  prob: 1\n  ckpt_path: null\n  width: "256"\n',
    'mine',
  );
  assert.deepEqual(profile, {
    name: 'mine',
    description: undefined,
    values: { learning_rate: 1e-5, dtype: { expression: 'torch.float32' }, prob: [1], ckpt_path: null, width: 256 },
  });
  const refused = (yaml: string, pattern: RegExp) =>
    assert.throws(
      () => parseProfile(yaml, 'p'),
      (error: unknown) => error instanceof ConfigError && pattern.test(error.fullMessage),
    );
  refused('fields: [1', /not valid YAML/);
  refused('name: x\n', /no "fields:" mapping/);
  refused('fields:\n  batch: 4\n  lr: 1\n', /sets batch, lr, which are not training fields/);
  refused('fields:\n  train_batch_size: four\n', /train_batch_size must be a whole number/);
  refused('fields:\n  train_batch_size: 2.5\n', /whole number/);
  refused('fields:\n  shuffle: "maybe"\n', /shuffle must be True or False/);
  refused('fields:\n  svd_model_path: null\n', /svd_model_path has no value/);
});

test('the diff before applying lists only what changes, and leaves output_dir following tag', () => {
  const lowmem = BUILTIN_PROFILES.find((p) => p.name === 'lowmem')!;
  assert.deepEqual(profileChanges(flexiv, lowmem), [
    { field: 'train_batch_size', current: 4, proposed: 2 },
    { field: 'gradient_accumulation_steps', current: 1, proposed: 2 },
    { field: 'num_frames', current: 5, proposed: 3 },
  ]);
  assert.deepEqual(profileChanges(flexiv, BUILTIN_PROFILES[0]!), []);
  const renamed = {
    name: 'r',
    values: { tag: 'flexiv_run2', output_dir: 'model_ckpt/flexiv_run2', wandb_run_name: 'flexiv_run2' },
  };
  const changes = profileChanges(flexiv, renamed);
  assert.deepEqual(
    changes.map((c) => c.field),
    ['tag'],
  );
  const applied = setConfigValues(flexiv, Object.fromEntries(changes.map((c) => [c.field, c.proposed])));
  assert.match(applied, /output_dir = f"model_ckpt\/\{tag\}"/);
  assert.equal(parseConfig(applied).values.output_dir, 'model_ckpt/flexiv_run2');
});

test('a profile saved from a file keeps what it sets, not what follows other fields', () => {
  const profile = profileFromValues('mine', parseConfig(flexiv).values, 'my run');
  assert.equal(profile.values.svd_model_path, '/data/models/stable-video-diffusion-img2vid');
  assert.equal(profile.values.tag, 'flexiv_finetune');
  for (const follower of ['output_dir', 'dataset_cfgs', 'wandb_run_name'])
    assert.ok(!(follower in profile.values), follower);
  assert.ok(!('policy_type' in profile.values), 'rollout-only fields stay out');
  assert.equal(Object.keys(profile.values).length, FIELDS.length - 3);
});

test('rendering a profile writes a complete config that reads back to the profile over the defaults', () => {
  const a100x8 = BUILTIN_PROFILES[0]!;
  const source = renderConfigFile(a100x8.values, 'profile "a100x8"');
  const { values, unparsed } = parseConfig(source);
  assert.deepEqual(unparsed, []);
  for (const spec of FIELDS) assert.ok(spec.name in values, spec.name);
  for (const [field, value] of Object.entries(a100x8.values)) assert.deepEqual(values[field], value, field);
  assert.equal(values.output_dir, 'model_ckpt/flexiv_finetune');
  assert.match(source, /^ {4}output_dir = f"model_ckpt\/\{tag\}"$/m);
  assert.match(source, /^ {4}dataset_cfgs = dataset_names$/m);
  assert.deepEqual(validateConfig(values, { gpus: 8 }), { errors: [], warnings: [] });
  // A profile that sets output_dir apart from tag gets it written out.
  assert.match(renderConfigFile({ tag: 'a', output_dir: 'runs/b' }, 'test'), /^ {4}output_dir = "runs\/b"$/m);
});
