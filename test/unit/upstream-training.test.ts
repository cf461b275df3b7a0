// The product's readers on what upstream Ctrl-World's real train_wm.py wrote on a GPU (one H100, torch 2.11,
// 2026-12-05): remote-kit/tests/test_upstream_training_gpu.py ran Robert-gyj/Ctrl-World 4c713d1 and the Flexiv fork
// yijie252/Ctrl-World 1ab23f4 from random weights through runs.py launch, and kept these bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfigDocument } from '../../src/core/config';
import { runModuleText } from '../../src/core/training/launch';
import { LogParser, type LogEvent } from '../../src/core/training/logParser';
import { parseListing } from '../../src/core/training/outputs';
import { summariseListEntry } from '../../src/core/training/runRecord';
import {
  stepsTrained,
  trainerConfigCheck,
  trainerDataCheck,
  trainerImportsCheck,
  validationScheduleNote,
  type TrainerProbeAnswer,
} from '../../src/core/training/trainerChecks';
import { REPO_ROOT } from '../support/fixtures';
import { DEVICE_BASE, testConfig } from '../support/gpuTrainingBundle';

const REFERENCE = path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference');
const report = JSON.parse(readFileSync(path.join(REFERENCE, 'upstream-training-report.json'), 'utf8')) as Record<
  string,
  unknown
>;
const probe = (name: string) => report[`probe-${name}`] as TrainerProbeAnswer;

function parse(file: string): { parser: LogParser; events: LogEvent[] } {
  const parser = new LogParser();
  const text = readFileSync(path.join(REFERENCE, file), 'utf8');
  // In pieces, as byte-offset reads of a growing log arrive.
  const events: LogEvent[] = [];
  for (let at = 0; at < text.length; at += 700) events.push(...parser.push(text.slice(at, at + 700)));
  events.push(...parser.end());
  return { parser, events };
}

/** What the run was launched with: the fork continued from upstream's last checkpoint (--ckpt_path). */
async function expected(name: string) {
  const outputDir = `${DEVICE_BASE}/out/${name}`;
  const overrides: Record<string, string> =
    name === 'fork' ? { ckpt_path: `${DEVICE_BASE}/out/upstream/checkpoint-20.pt` } : {};
  return {
    values: parseConfigDocument(runModuleText(await testConfig(), outputDir)).values,
    overrides,
    home: '/root',
    workdir: `${DEVICE_BASE}/${name}`,
  };
}

test('the real upstream log: the total from the bar, every step past it, no error', () => {
  const { parser, events } = parse('upstream-4c713d1-train.log');
  assert.equal(parser.totalSteps, 20);
  // accelerate's INFO lines ("Saved checkpoint to …", "Total optimization steps") never reach upstream's log: it
  // configures no logging. Checkpoints are known from the output folder, never from the log.
  assert.deepEqual(
    events.filter((event) => event.kind === 'checkpoint' || event.kind === 'total-steps'),
    [],
  );
  // Upstream trains on to the end of its epoch (28 samples, batch 1): tqdm's "Steps: : 28it" past the bar's total.
  assert.equal(parser.progress?.step, 28);
  assert.equal(parser.progress?.total, 20);
  assert.deepEqual(parser.errors, []);
});

test("the real fork log, continued from upstream's checkpoint-20.pt: the same shape", () => {
  const { parser, events } = parse('fork-1ab23f4-train.log');
  assert.ok(
    events.some(
      (event) =>
        event.kind === 'line' &&
        /Loading checkpoint from \/tmp\/cwf-real\/out\/upstream\/checkpoint-20\.pt/.test(event.text),
    ),
  );
  assert.equal(parser.progress?.step, 28);
  assert.deepEqual(parser.errors, []);
});

test("the preflight on both real checkouts: every import found, the run's config imported, the data read", async () => {
  for (const name of ['upstream', 'fork']) {
    const answer = probe(name);
    assert.equal(trainerImportsCheck(answer, '3.12.3').ok, true, name);
    const config = trainerConfigCheck(answer, await expected(name));
    assert.equal(config.ok, true, `${name}: ${config.message}`);
    const values = (await expected(name)).values;
    const data = trainerDataCheck(answer, values, 1);
    assert.equal(data.ok, true, data.message);
    assert.match(data.message, /28 train and 14 val samples, latents 11x4x72x40/);
    // What the GPU showed: 28 steps for max_train_steps 20, said before the launch.
    assert.equal(stepsTrained(28, values, 1), 28);
    assert.match(
      data.message,
      /does not stop at max_train_steps: it trains whole epochs, here about 28 steps \(1\.4 x 20\)/,
    );
  }
  assert.match(validationScheduleNote(probe('upstream'), 10) ?? '', /first validation videos come at step 5/);
  assert.equal(validationScheduleNote(probe('fork'), 10), undefined);
});

test('the old launch (--config <module>) is caught on both: upstream refuses the flag, the fork trains its own config.py', async () => {
  const upstream = trainerConfigCheck(probe('upstream-config-flag'), await expected('upstream'));
  assert.equal(upstream.ok, false);
  assert.match(upstream.message, /unrecognized arguments: --config ctrl_world_flexiv_run_old/);
  const fork = trainerConfigCheck(probe('fork-config-flag'), await expected('fork'));
  assert.equal(fork.ok, false);
  assert.match(fork.message, /its config module is \/tmp\/cwf-real\/fork\/config\.py/);
  assert.match(
    fork.message,
    /output_dir: the run has "\/tmp\/cwf-real\/out\/fork", train_wm\.py would use "model_ckpt\/flexiv_finetune"/,
  );
  assert.match(fork.message, /max_train_steps: the run has 20, train_wm\.py would use 100000/);
});

test('the Runs listing and the output folder as the views read them', () => {
  for (const name of ['upstream', 'fork']) {
    const summary = summariseListEntry((report[`list-${name}`] as unknown[])[0]);
    assert.equal(summary?.record.state, 'finished', name);
    assert.equal(summary?.record.exitCode, 0);
    const listing = parseListing(report[`outputs-${name}`] as never);
    assert.deepEqual(
      listing.checkpoints.map((file) => file.name),
      ['checkpoint-10.pt', 'checkpoint-20.pt'],
    );
    assert.ok(
      listing.checkpoints.every((file) => file.size > 6e9),
      'whole-model state dicts of ~6 GB',
    );
    const steps = listing.samples.map((file) => file.step).sort((a, b) => a - b);
    assert.deepEqual(steps, name === 'upstream' ? [5, 15, 25] : [10, 20]);
  }
});
