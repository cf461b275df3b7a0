import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { parseConfig } from '../../src/core/config';
import { tempDir } from '../support/fixtures';
import { readConfigFixture } from '../support/configFixtures';

let dir: string;
let cleanup: () => Promise<void>;
const flexiv = readConfigFixture('config_flexiv.py');

before(async () => ({ dir, cleanup } = await tempDir('cwf-config-cli-')));
after(() => cleanup());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, '0.0.0');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function configFile(name: string, text = flexiv): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

test('config show --json: {"fields": {...}, "conditional": [...], "unparsed": [...]}', async () => {
  const file = await configFile('show.py', flexiv.replace('num_workers=8', 'num_workers=os.cpu_count()'));
  const { code, out } = await cli('config', 'show', file, '--json');
  assert.equal(code, 0);
  const json = JSON.parse(out) as { fields: Record<string, unknown>; unparsed: string[] };
  assert.deepEqual(Object.keys(json), ['fields', 'conditional', 'unparsed']);
  assert.equal(json.fields.train_batch_size, 4);
  assert.deepEqual(json.fields.dtype, { expression: 'torch.bfloat16' });
  assert.deepEqual(json.unparsed, ['line 24: num_workers=os.cpu_count() (a call to os.cpu_count())']);
  const human = await cli('config', 'show', file);
  assert.match(human.out, /^ {2}train_batch_size {13}4 {2}samples per GPU$/m);
  assert.match(human.out, /^Could not read\n {2}line 24/m);
});

test('config check --json: errors, warnings and derived figures; GPUs and memory from options', async () => {
  const file = await configFile('check.py');
  const clean = await cli('config', 'check', file, '--json');
  assert.equal(clean.code, 0);
  assert.deepEqual(JSON.parse(clean.out), {
    errors: [],
    warnings: [],
    derived: {
      globalBatch: 32,
      checkpoints: 10,
      checkpointDiskGb: 80,
      validations: 4,
      videos: 12,
      estimatedHours: 40,
      memoryPerGpuGb: 32.5,
    },
  });
  const small = JSON.parse(
    (await cli('config', 'check', file, '--gpus', '4', '--gpu-memory-gb', '32', '--json')).out,
  ) as { warnings: { field: string }[]; derived: { globalBatch: number } };
  assert.equal(small.derived.globalBatch, 16);
  assert.deepEqual(
    small.warnings.map((w) => w.field),
    ['train_batch_size'],
  );
  const broken = await configFile(
    'broken.py',
    flexiv.replace('checkpointing_steps = 10000', 'checkpointing_steps = 200000'),
  );
  const failed = await cli('config', 'check', broken, '--json');
  assert.equal(failed.code, 1);
  assert.deepEqual(Object.keys((JSON.parse(failed.out) as { errors: object[] }).errors[0]!), ['field', 'message']);
  assert.equal((await cli('config', 'check', file, '--gpus', 'many')).code, 2);
});

test("config set edits only the values' text and refuses invalid values", async () => {
  const file = await configFile('set.py');
  const ok = await cli(
    'config',
    'set',
    file,
    'train_batch_size=2',
    'gradient_accumulation_steps=2',
    'learning_rate=1e-5',
    'tag=flexiv run',
  );
  assert.equal(ok.code, 0, ok.err);
  const edited = await readFile(file, 'utf8');
  assert.equal(
    edited,
    flexiv
      .replace('train_batch_size = 4', 'train_batch_size = 2')
      .replace('gradient_accumulation_steps = 1', 'gradient_accumulation_steps = 2')
      .replace('learning_rate= 5e-6', 'learning_rate= 1e-5')
      .replace("tag = 'flexiv_finetune'", "tag = 'flexiv run'"),
  );
  assert.equal(parseConfig(edited).values.output_dir, 'model_ckpt/flexiv run');

  const refused = await cli('config', 'set', file, 'checkpointing_steps=500000');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /refused: checkpointing_steps \(500000\) is more than max_train_steps \(100000\)/);
  const notANumber = await cli('config', 'set', file, 'train_batch_size=two');
  assert.equal(notANumber.code, 1);
  assert.match(notANumber.err, /train_batch_size must be a whole number; "two" is not/);
  assert.equal(await readFile(file, 'utf8'), edited, 'refused changes write nothing');

  assert.equal((await cli('config', 'set', file, 'batch=2')).code, 2);
  assert.equal((await cli('config', 'set', file, 'train_batch_size')).code, 2);
  assert.equal((await cli('config', 'set', file)).code, 2);
  const missing = await cli('config', 'set', path.join(dir, 'nope.py'), 'video_num=1');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /Cannot read .*nope\.py: no such file/);
  const notConfig = await cli('config', 'check', await configFile('other.py', 'x = 1\n'));
  assert.match(notConfig.err, /has no "class wm_args:"/);
});

test('config render writes a complete config from a YAML profile or a built-in one, never over a file', async () => {
  const out = path.join(dir, 'config_rendered.py');
  const rendered = await cli('config', 'render', 'a100x8', '--out', out);
  assert.equal(rendered.code, 0, rendered.err);
  assert.equal((await cli('config', 'check', out)).code, 0);
  const again = await cli('config', 'render', 'a100x8', '--out', out);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists and was left as it is/);
  const profile = path.join(dir, 'fast.yaml');
  await writeFile(
    profile,
    'name: fast\nfields:\n  max_train_steps: 20000\n  checkpointing_steps: 5000\n  validation_steps: 5000\n',
  );
  assert.equal((await cli('config', 'render', profile, '--out', out, '--force')).code, 0);
  const values = parseConfig(await readFile(out, 'utf8')).values;
  assert.deepEqual([values.max_train_steps, values.checkpointing_steps, values.validation_steps], [20000, 5000, 5000]);
  await writeFile(profile, 'fields:\n  max_train_steps: lots\n');
  const bad = await cli('config', 'render', profile, '--out', path.join(dir, 'bad.py'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /max_train_steps must be a whole number/);
  assert.equal((await cli('config', 'render', profile)).code, 2);
});
