import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  FIELDS,
  configValuesEqual,
  parseConfig,
  parseConfigDocument,
  resetConfigValue,
  setConfigValue,
  setConfigValues,
  type ConfigValue,
  type FieldSpec,
} from '../../src/core/config';
import { configSource, readConfigFixture } from '../support/configFixtures';

/** A value different from `current` that is valid for the field. */
function otherValue(spec: FieldSpec, current: ConfigValue | undefined): ConfigValue {
  switch (spec.kind) {
    case 'int':
      return (current as number) + (spec.multipleOf ?? 1);
    case 'float':
      return (current as number) * 2;
    case 'bool':
      return !current;
    case 'choice':
      return spec.choices!.find((choice) => choice !== current)!;
    case 'dtype':
      return { expression: spec.choices!.find((choice) => choice !== (current as { expression: string }).expression)! };
    case 'floatList':
      return [0.25, 0.75];
    default:
      return current === null ? 'model_ckpt/flexiv_finetune/checkpoint-10000.pt' : `${String(current)}_v2`;
  }
}

/** Fields that follow the edited one (output_dir follows tag) change with it; nothing else may. */
function followers(document: ReturnType<typeof parseConfigDocument>, field: string): Set<string> {
  const result = new Set<string>([field]);
  for (const assignment of document.assignments)
    if (assignment.references.some((name) => result.has(name))) result.add(assignment.name);
  return result;
}

for (const fixture of ['config_flexiv.py', 'config_upstream.py'] as const) {
  test(`${fixture}: every field edits in place, byte-identical except the edited value`, () => {
    const source = readConfigFixture(fixture);
    const document = parseConfigDocument(source);
    for (const spec of FIELDS) {
      const assignment = document.effective.get(spec.name)!;
      const value = otherValue(spec, assignment.value);
      const edited = setConfigValue(source, spec.name, value);
      const tail = source.length - assignment.valueEnd;
      assert.equal(
        edited.slice(0, assignment.valueStart),
        source.slice(0, assignment.valueStart),
        `${spec.name}: bytes before`,
      );
      assert.equal(edited.slice(edited.length - tail), source.slice(assignment.valueEnd), `${spec.name}: bytes after`);
      const after = parseConfig(edited);
      assert.deepEqual(after.unparsed, []);
      assert.ok(
        configValuesEqual(after.values[spec.name], value),
        `${spec.name}: ${JSON.stringify(after.values[spec.name])} != ${JSON.stringify(value)}`,
      );
      const changed = followers(document, spec.name);
      for (const [name, before] of Object.entries(document.values)) {
        if (!changed.has(name))
          assert.ok(configValuesEqual(after.values[name], before), `${spec.name} changed ${name}`);
      }
    }
  });

  test(`${fixture}: writing the value it already has changes nothing`, () => {
    const source = readConfigFixture(fixture);
    const { values } = parseConfig(source);
    for (const spec of FIELDS) {
      if (parseConfigDocument(source).effective.get(spec.name)!.form !== 'literal' && spec.kind !== 'dtype') continue;
      assert.equal(setConfigValue(source, spec.name, values[spec.name]!), source, spec.name);
    }
  });
}

test('the replaced text keeps the style of what it replaces', () => {
  const source = readConfigFixture('config_flexiv.py');
  const line = (text: string, field: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${field}`))!;
  assert.equal(
    line(setConfigValue(source, 'learning_rate', 1e-5), 'learning_rate'),
    '    learning_rate= 1e-5 # 1e-5 upstream; lower for fine-tuning',
  );
  assert.equal(line(setConfigValue(source, 'max_grad_norm', 2), 'max_grad_norm'), '    max_grad_norm = 2.0');
  assert.equal(line(setConfigValue(source, 'tag', "it's"), 'tag ='), "    tag = 'it\\'s'");
  assert.equal(
    line(setConfigValue(source, 'svd_model_path', '/m/svd'), 'svd_model_path'),
    '    svd_model_path = "/m/svd"',
  );
  assert.equal(
    line(setConfigValue(source, 'ckpt_path', null), 'ckpt_path'),
    '    ckpt_path = None # pretrained Ctrl-World weights we fine-tune from',
  );
  assert.equal(line(setConfigValue(source, 'prob', [0.5, 0.5]), 'prob'), '    prob=[0.5, 0.5]');
  assert.equal(
    line(setConfigValue(source, 'dtype', { expression: 'torch.float32' }), 'dtype'),
    '    dtype = torch.float32 # torch.float32 also works; bfloat16 halves inference memory',
  );
  const grouped = configSource('max_train_steps = 100_000');
  assert.match(setConfigValue(grouped, 'max_train_steps', 250000), /max_train_steps = 250_000\n/);
});

test('setting output_dir replaces its f-string; reset to default writes the f-string back', () => {
  const source = readConfigFixture('config_flexiv.py');
  const edited = setConfigValue(source, 'output_dir', 'model_ckpt/flexiv_run2');
  assert.match(edited, /^ {4}output_dir = "model_ckpt\/flexiv_run2"$/m);
  assert.equal(resetConfigValue(edited, 'output_dir'), source);
  assert.match(resetConfigValue(source, 'max_train_steps'), /^ {4}max_train_steps = 500000$/m);
});

test("a missing field is added as one line after the last class attribute, with the file's indentation and line endings", () => {
  const source = configSource('# paths\nsvd_model_path = "/m"\n\ndef __post_init__(self):\n    pass').replace(
    /\n/g,
    '\r\n',
  );
  const edited = setConfigValues(source, { video_num: 3, train_batch_size: 2 });
  assert.equal(
    edited,
    source.replace(
      'svd_model_path = "/m"\r\n',
      'svd_model_path = "/m"\r\n    train_batch_size = 2\r\n    video_num = 3\r\n',
    ),
  );
  const noNewline = 'class wm_args:\n    tag = "x"';
  assert.equal(setConfigValue(noNewline, 'video_num', 1), 'class wm_args:\n    tag = "x"\n    video_num = 1\n');
});

test('several changes in one pass, the last assignment of a repeated field edited', () => {
  const source = configSource('train_batch_size = 4\ntrain_batch_size = 8\ngradient_accumulation_steps = 1');
  const edited = setConfigValues(source, { train_batch_size: 2, gradient_accumulation_steps: 4 });
  assert.equal(
    edited,
    source
      .replace('train_batch_size = 8', 'train_batch_size = 2')
      .replace('gradient_accumulation_steps = 1', 'gradient_accumulation_steps = 4'),
  );
});

test('editing a file that is not a config is refused with a clear error', () => {
  assert.throws(
    () => setConfigValue('x = 1\n', 'video_num', 1),
    (error: unknown) => error instanceof ConfigError && /no "class wm_args:"/.test(error.message),
  );
});
