import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  trainerConfigCheck,
  trainerDataCheck,
  trainerImportsCheck,
  validationScheduleNote,
  type TrainerProbeAnswer,
} from '../../src/core/training/trainerChecks';

const values = {
  output_dir: '/w/model_ckpt/run-2',
  dataset_root_path: 'dataset_example/flexiv_data',
  dataset_names: 'flexiv_1113',
  width: 320,
  height: 192,
  max_train_steps: 100000,
  video_num: 3,
  debug: false,
  ckpt_path: '/models/checkpoint-10000.pt',
};
const expected = { values, overrides: {}, home: '/home/u', workdir: '/w' };

function answer(
  trainer: TrainerProbeAnswer['trainer'],
  missing: TrainerProbeAnswer['imports']['missing'] = [],
): TrainerProbeAnswer {
  return {
    imports: { checked: ['torch', 'wandb', 'swanlab'], missing },
    validation: { remainder: 5, positiveOnly: false },
    trainer,
  };
}
const ran = (overrides: Record<string, unknown> = {}, data?: unknown) =>
  answer({
    configFile: '/reg/runs/r/python/config.py',
    values: { ...values, dataset_root_path: '/w/dataset_example/flexiv_data', ...overrides } as never,
    data: (data ?? {
      train: { samples: 28, shapes: { latent: [11, 4, 72, 40], action: [11, 7] } },
      val: { samples: 14, shapes: {} },
    }) as never,
  });

test('missing modules are named with the file that imports them and one pip line, pins from requirements.txt', () => {
  const result = trainerImportsCheck(
    answer(null, [
      { module: 'swanlab', pip: 'swanlab', file: 'scripts/train_wm.py' },
      { module: 'diffusers', pip: 'diffusers==0.34.0', file: 'models/unet_spatio_temporal_condition.py' },
    ]),
    '3.10.12',
  );
  assert.equal(result.ok, false);
  assert.match(
    result.message,
    /swanlab \(imported by scripts\/train_wm\.py\), diffusers \(imported by models\/unet_spatio_temporal_condition\.py\)/,
  );
  assert.match(result.message, /"pip install swanlab diffusers==0\.34\.0"/);
  assert.equal(result.fix, 'edit-env-setup');
  assert.equal(trainerImportsCheck(ran(), '3.10.12').ok, true);
});

test("the effective config passes when it is the run's (relative and absolute paths compared resolved)", () => {
  const result = trainerConfigCheck(ran(), expected);
  assert.equal(result.ok, true, result.message);
});

test('any watched field the trainer would use differently is an error naming both values', () => {
  const result = trainerConfigCheck(
    ran({ output_dir: 'model_ckpt/flexiv_finetune', max_train_steps: 500000 }),
    expected,
  );
  assert.equal(result.ok, false);
  assert.match(
    result.message,
    /output_dir: the run has "\/w\/model_ckpt\/run-2", train_wm\.py would use "model_ckpt\/flexiv_finetune"/,
  );
  assert.match(result.message, /max_train_steps: the run has 100000, train_wm\.py would use 500000/);
  const continued = trainerConfigCheck(ran(), {
    ...expected,
    overrides: { ckpt_path: '/w/model_ckpt/run-1/checkpoint-20.pt' },
  });
  assert.match(continued.message, /ckpt_path: the run has "\/w\/model_ckpt\/run-1\/checkpoint-20\.pt"/);
});

test('a trainer that stops before main(args) says how, in its own words', () => {
  const refused = trainerConfigCheck(
    answer({ error: 'exit', code: 2, detail: 'train_wm.py: error: unrecognized arguments: --config x' }),
    expected,
  );
  assert.equal(refused.ok, false);
  assert.match(refused.message, /unrecognized arguments: --config x/);
  assert.match(trainerConfigCheck(answer(null), expected).message, /missing modules/);
});

test("the dataset reader's own failure, and a validation set too small for video_num", () => {
  assert.equal(trainerDataCheck(ran(), values).ok, true);
  const failed = trainerDataCheck(
    ran(
      {},
      {
        train: {
          error: "FileNotFoundError: [Errno 2] No such file or directory: 'meta/flexiv_data/stat.json'",
          where: 'dataset/dataset_droid_exp33.py:61',
        },
        val: { samples: 14, shapes: {} },
      },
    ),
    values,
  );
  assert.equal(failed.ok, false);
  assert.match(failed.message, /train: FileNotFoundError.*stat\.json.*\(at dataset\/dataset_droid_exp33\.py:61\)/);
  const small = trainerDataCheck(
    ran({}, { train: { samples: 28, shapes: {} }, val: { samples: 4, shapes: {} } }),
    values,
  );
  assert.match(small.message, /4 samples; video_num 3 needs at least 6/);
});

test("upstream's step-5 validation is a note that says when, not an error", () => {
  assert.match(
    validationScheduleNote(ran(), 25000) ?? '',
    /first validation videos come at step 5 \(train_steps_5_\*\.mp4\), then 25,005/,
  );
  assert.equal(
    validationScheduleNote({ ...ran(), validation: { remainder: 0, positiveOnly: true } }, 25000),
    undefined,
  );
});
