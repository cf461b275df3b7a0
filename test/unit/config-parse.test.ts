import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, parseConfigDocument } from '../../src/core/config';
import { configSource, readConfigFixture } from '../support/configFixtures';

test("the Flexiv config reads with the hand-over note's values and nothing unparsed", () => {
  const { values, unparsed } = parseConfig(readConfigFixture('config_flexiv.py'));
  assert.deepEqual(unparsed, []);
  const expected = {
    max_train_steps: 100000,
    train_batch_size: 4,
    gradient_accumulation_steps: 1,
    num_workers: 8,
    learning_rate: 5e-6,
    checkpointing_steps: 10000,
    validation_steps: 25000,
    video_num: 3,
    width: 320,
    height: 192,
    num_frames: 5,
    num_history: 6,
    action_dim: 7,
    dataset_names: 'flexiv_1113',
    dataset_cfgs: 'flexiv_1113',
    output_dir: 'model_ckpt/flexiv_finetune',
    wandb_project_name: 'ctrl_world_flexiv',
    wandb_run_name: 'flexiv_finetune',
    prob: [1.0],
    shuffle: true,
    his_cond_zero: false,
    ckpt_path: '/data/models/checkpoint-10000.pt',
  };
  for (const [field, value] of Object.entries(expected)) assert.deepEqual(values[field], value, field);
  assert.deepEqual(values.dtype, { expression: 'torch.bfloat16' });
  // Rollout-only fields are read too, dicts kept as their text.
  assert.equal(values.policy_type, 'pi05');
  assert.deepEqual(values.history_idx, [0, 0, -12, -9, -6, -3]);
  assert.deepEqual(values.gripper_max_dict, { expression: "{'replay':1.0, 'pickplace':0.8, 'towel_fold':0.95,}" });
  assert.equal(values.val_model_path, '/data/models/checkpoint-10000.pt');
});

test('the upstream-shaped config reads, annotated fields and None included', () => {
  const { values, unparsed } = parseConfig(readConfigFixture('config_upstream.py'));
  assert.deepEqual(unparsed, []);
  assert.equal(values.ckpt_path, null);
  assert.equal(values.val_model_path, null);
  assert.equal(values.task_type, 'pickplace');
  assert.equal(values.max_train_steps, 500000);
  assert.equal(values.output_dir, 'model_ckpt/droid_subset');
});

test('each value says how it is written: literal, f-string, reference, computed, expression', () => {
  const document = parseConfigDocument(readConfigFixture('config_flexiv.py'));
  assert.equal(document.effective.get('train_batch_size')!.form, 'literal');
  assert.equal(document.effective.get('output_dir')!.form, 'fstring');
  assert.deepEqual(document.effective.get('output_dir')!.references, ['tag']);
  assert.equal(document.effective.get('dataset_cfgs')!.form, 'reference');
  assert.equal(document.effective.get('dtype')!.form, 'expression');
  assert.equal(document.effective.get('learning_rate')!.valueText, '5e-6');
  assert.equal(document.bodyIndent, '    ');
});

test('Python semantics: arithmetic, underscores, concatenation, escapes, module constants, multi-line values', () => {
  const source = configSource(
    [
      'max_train_steps = 100 * 1_000',
      'checkpointing_steps = max_train_steps // 10',
      "tag = 'flexiv' '_finetune'",
      'output_dir = "model_ckpt/" + tag',
      "svd_model_path = f'{ROOT}/svd'",
      "annotation_name = 'a\\tb\\\\c'",
      "dataset_root_path = r'C:\\data'",
      'prob = [',
      '    0.5,  # first',
      '    0.5,',
      ']',
      'learning_rate = \\',
      '    -(-5e-6)',
      'video_num = (3)',
      'size = (320, 192)',
      'scale = 2 ** 3',
    ].join('\n'),
    'ROOT = "/models"\n\nclass wm_args:\n',
  );
  const { values, unparsed } = parseConfig(source);
  assert.deepEqual(unparsed, []);
  assert.equal(values.max_train_steps, 100000);
  assert.equal(values.checkpointing_steps, 10000);
  assert.equal(values.tag, 'flexiv_finetune');
  assert.equal(values.output_dir, 'model_ckpt/flexiv_finetune');
  assert.equal(values.svd_model_path, '/models/svd');
  assert.equal(values.annotation_name, 'a\tb\\c');
  assert.equal(values.dataset_root_path, 'C:\\data');
  assert.deepEqual(values.prob, [0.5, 0.5]);
  assert.equal(values.learning_rate, 5e-6);
  assert.equal(values.video_num, 3);
  assert.deepEqual(values.size, { expression: '(320, 192)' });
  assert.equal(values.scale, 8);
});

test('what it cannot read is reported with its line and reason, and kept as text', () => {
  const source = configSource(
    [
      'tag = "run"',
      'output_dir = os.path.join("model_ckpt", tag)',
      'wandb_run_name = output_dir',
      'num_workers = os.cpu_count()',
      'max_train_steps: int',
      'video_num += 1',
      'if True:',
      '    debug = True',
      'prob = [x for x in range(2)]',
      'name = "unterminated',
      'def __post_init__(self):',
      '    self.output_dir = "elsewhere"',
      '    self.val_id = [1]',
    ].join('\n'),
  );
  const { values, unparsed } = parseConfig(source);
  assert.deepEqual(values.output_dir, { expression: 'os.path.join("model_ckpt", tag)' });
  assert.deepEqual(values.num_workers, { expression: 'os.cpu_count()' });
  assert.equal(values.tag, 'run');
  const text = unparsed.join('\n');
  assert.match(text, /^line 8: output_dir = os\.path\.join\("model_ckpt", tag\) \(a call to os\.path\.join\(\)\)$/m);
  assert.match(text, /line 9: wandb_run_name = output_dir \("output_dir", which could not be read itself\)/);
  assert.match(text, /line 10: num_workers = os\.cpu_count\(\)/);
  assert.match(text, /line 11: max_train_steps: int \(an annotation without a value\)/);
  assert.match(text, /line 12: video_num \+= 1 \(an augmented assignment\)/);
  assert.match(text, /line 13: if True:/);
  assert.match(
    text,
    /line 14: debug = True \(debug is assigned inside this "if" block, so its value depends on a condition\)/,
  );
  assert.match(text, /line 15: prob = \[x for x in range\(2\)\] \(list comprehensions\)/);
  assert.match(text, /line 16: name = "unterminated \(an unterminated string\)/);
  assert.match(text, /line 18: self\.output_dir = "elsewhere" \(__post_init__\(\) sets output_dir at run time/);
  // Only training fields set in __post_init__ are reported; rollout ones are not training's business.
  assert.doesNotMatch(text, /val_id/);
  assert.equal(unparsed.length, 10);
});

test('a file without class wm_args says so', () => {
  const { values, unparsed } = parseConfig('import torch\nx = 1\n');
  assert.deepEqual(values, {});
  assert.match(unparsed[0]!, /no "class wm_args:" in this file/);
});

test('dataset_cfgs = dataset_names takes the value at its line, as Python does', () => {
  const source = configSource(
    "dataset_names = 'droid_subset'\ndataset_cfgs = dataset_names\ndataset_names = 'flexiv_1113'",
  );
  const { values } = parseConfig(source);
  assert.equal(values.dataset_names, 'flexiv_1113');
  assert.equal(values.dataset_cfgs, 'droid_subset');
});

test('CRLF files and tabs read the same', () => {
  const source = readConfigFixture('config_flexiv.py').replace(/\n/g, '\r\n').replace(/^ {4}/gm, '\t');
  const { values, unparsed } = parseConfig(source);
  assert.deepEqual(unparsed, []);
  assert.equal(values.train_batch_size, 4);
  assert.equal(parseConfigDocument(source).bodyIndent, '\t');
  assert.equal(parseConfigDocument(source).effective.get('num_history')!.line, 62);
});
