// The parser and the in-place editor agree with real Python: each config (and each edited one) is imported by
// /usr/bin/python3 (with a stand-in torch module) and its class attributes compared with parseConfig's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  BUILTIN_PROFILES,
  FIELDS,
  parseConfig,
  renderConfigFile,
  setConfigValues,
  type ConfigValue,
} from '../../src/core/config';
import { runProcess, SYSTEM_PYTHON, tempDir } from '../support/fixtures';
import { configSource, readConfigFixture } from '../support/configFixtures';

const READ_CLASS = `
import importlib.util, json, sys, types
class DType:
    def __init__(self, name):
        self.name = name
torch = types.ModuleType("torch")
for name in ("bfloat16", "float16", "float32"):
    setattr(torch, name, DType("torch." + name))
sys.modules["torch"] = torch
spec = importlib.util.spec_from_file_location("config_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
fields = {k: v for k, v in vars(module.wm_args).items() if not k.startswith("__") and not callable(v) and not isinstance(v, (dict, tuple))}
print(json.dumps(fields, default=lambda v: {"expression": v.name}))
`;

async function pythonValues(source: string): Promise<Record<string, ConfigValue>> {
  const { dir, cleanup } = await tempDir('cwf-config-py-');
  try {
    const file = path.join(dir, 'config_under_test.py');
    await writeFile(file, source);
    return JSON.parse(await runProcess(SYSTEM_PYTHON, ['-c', READ_CLASS, file])) as Record<string, ConfigValue>;
  } finally {
    await cleanup();
  }
}

function comparable(values: Record<string, ConfigValue>): Record<string, ConfigValue> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, value]) =>
        !(
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          !String(value.expression).startsWith('torch.')
        ),
    ),
  );
}

const cases: Record<string, string> = {
  'config_flexiv.py': readConfigFixture('config_flexiv.py'),
  'config_upstream.py': readConfigFixture('config_upstream.py'),
  'config_flexiv.py edited': setConfigValues(readConfigFixture('config_flexiv.py'), {
    train_batch_size: 2,
    gradient_accumulation_steps: 2,
    learning_rate: 1.5e-5,
    tag: "run 'two'",
    dtype: { expression: 'torch.float32' },
    prob: [0.25, 0.75],
    dataset_names: 'flexiv_1113+flexiv_1120',
    ckpt_path: null,
    shuffle: false,
    max_grad_norm: 0.5,
  }),
  'rendered from the a100x8 profile': renderConfigFile(BUILTIN_PROFILES[0]!.values, 'test'),
  'computed values': configSource(
    [
      'STEPS = 1000',
      'max_train_steps = 100 * 1_000',
      'checkpointing_steps = max_train_steps // 10',
      'tag = \'a\' "b"',
      'output_dir = f"model_ckpt/{tag}/{max_train_steps}"',
      "annotation_name = 'tab\\there'",
      'learning_rate = -(-5e-6)',
      'prob = [',
      '    0.5,  # comment',
      '    0.5,',
      ']',
      'video_num = 2 ** 3 % 5',
      'guidance_scale = 7 / 2',
    ].join('\n'),
  ),
};

for (const [name, source] of Object.entries(cases)) {
  test(`${name}: the values are the ones Python computes`, async () => {
    const ours = parseConfig(source);
    assert.deepEqual(ours.unparsed, []);
    const python = await pythonValues(source);
    assert.deepEqual(comparable(ours.values), comparable(python));
  });
}

test('every table field is in the Flexiv config, as train_wm.py reads them all', async () => {
  const python = await pythonValues(readConfigFixture('config_flexiv.py'));
  assert.deepEqual(
    FIELDS.map((field) => field.name).filter((name) => !(name in python)),
    [],
  );
});
