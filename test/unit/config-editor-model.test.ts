import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEditorState } from '../../src/views/config/viewModel';
import { configProblems, isConfigFileName } from '../../src/views/config/configProblems';
import { FIELDS } from '../../src/core/config';
import { configSource, readConfigFixture } from '../support/configFixtures';

const flexiv = readConfigFixture('config_flexiv.py');
const state = (source: string, gpuMemoryGb = 80) =>
  buildEditorState({
    source,
    fileName: 'config_flexiv.py',
    environment: { gpus: 8, gpuMemoryGb },
    environmentSource: 'settings',
    profiles: [],
  });

test('every table field becomes a row with its input text, default and form', () => {
  const view = state(flexiv);
  assert.equal(view.fields.length, FIELDS.length);
  const field = (name: string) => view.fields.find((f) => f.name === name)!;
  assert.deepEqual(
    [field('learning_rate').inputText, field('learning_rate').defaultText, field('learning_rate').isDefault],
    ['5e-6', '1e-5', false],
  );
  assert.deepEqual([field('width').inputText, field('width').isDefault, field('width').unit], ['320', true, 'px']);
  assert.deepEqual(
    [
      field('output_dir').inputText,
      field('output_dir').form,
      field('output_dir').sourceText,
      field('output_dir').isDefault,
    ],
    ['model_ckpt/flexiv_finetune', 'fstring', 'f"model_ckpt/{tag}"', true],
  );
  assert.deepEqual([field('dataset_cfgs').form, field('dataset_cfgs').isDefault], ['reference', true]);
  assert.deepEqual(
    [field('shuffle').checked, field('dtype').inputText, field('prob').inputText],
    [true, 'torch.bfloat16', '[1.0]'],
  );
  assert.equal(field('train_batch_size').line, 40);
  assert.deepEqual(
    view.otherFields.map((f) => f.name),
    [
      'task_type',
      'gripper_max_dict',
      'policy_type',
      'pred_step',
      'interact_num',
      'data_stat_path',
      'val_model_path',
      'history_idx',
      'save_dir',
    ],
  );
  assert.deepEqual([view.errorCount, view.warningCount, view.remedies.length, view.derived.globalBatch], [0, 0, 0, 32]);
});

test('errors sit on their field with the fix; too little memory brings the remedies', () => {
  const view = state(flexiv.replace('checkpointing_steps = 10000', 'checkpointing_steps = 0'), 32);
  const row = view.fields.find((f) => f.name === 'checkpointing_steps')!;
  assert.match(row.errors[0]!, /checkpointing_steps must be at least 1/);
  assert.deepEqual(row.fixes, [{ title: 'Set checkpointing_steps to 1', changes: { checkpointing_steps: 1 } }]);
  assert.equal(view.remedies.length, 3);
  assert.ok(view.remedies.every((remedy) => remedy.fits));
  const missing = state(configSource('tag = "x"'));
  assert.equal(missing.fields.find((f) => f.name === 'video_num')!.form, 'missing');
  assert.equal(state('x = 1\n').classFound, false);
});

test('Problems: each issue on its value, a missing field on the class line, unreadable text on its line', () => {
  const source = flexiv
    .replace('video_num= 3', 'video_num= 3\n    num_workers = os.cpu_count()\n    if True:\n        pass')
    .replace('    decode_chunk_size = 7\n', '');
  const problems = configProblems(source, { gpus: 8 })!;
  const at = (field: string) => problems.find((p) => p.field === field)!.at;
  const workers = source.indexOf('os.cpu_count()');
  assert.deepEqual(at('num_workers'), { start: workers, end: workers + 'os.cpu_count()'.length });
  assert.deepEqual(at('decode_chunk_size'), { line: 7 });
  assert.equal(problems.find((p) => p.field === 'decode_chunk_size')!.severity, 'error');
  assert.match(
    problems.find((p) => p.field === 'num_workers')!.message,
    /Python expression `os\.cpu_count\(\)`, which cannot be checked/,
  );
  assert.deepEqual(
    problems.filter((p) => !p.field).map((p) => [p.at, p.message]),
    [
      [
        { line: 50 },
        'Not read by the config editor (a statement that is not a plain assignment); it is left as written and not checked.',
      ],
    ],
  );
  assert.equal(configProblems('import os\n', { gpus: 8 }), undefined);
  assert.deepEqual(
    ['config.py', 'config_flexiv.py', '/a/b/config-a100.py', 'myconfig.py', 'config.pyc'].map(isConfigFileName),
    [true, true, true, false, false],
  );
});
