import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointRows, configSummary, gpuRows, headerFor, sampleRows } from '../../src/views/dashboard/present';
import { parseListing } from '../../src/core/training/outputs';
import type { RunSummary } from '../../src/core/training/runRecord';

function summary(state: RunSummary['record']['state']): RunSummary {
  return {
    record: {
      schema: 1,
      runId: '20261128_003849_a3f2',
      name: 'flexiv_finetune',
      host: 'gpu',
      runDir: '/r',
      logFile: '/r/train.log',
      outputDir: '/w/model_ckpt/flexiv_finetune',
      workdir: '/w',
      configSource: '/w/config_flexiv.py',
      configSnapshot: '/r/config_snapshot.py',
      configModule: 'm',
      git: { commit: '0123456789abcdef', dirty: true },
      gpus: [0, 1, 2, 3],
      mainProcessPort: 29501,
      target: 't',
      detach: 'setsid',
      command: [],
      wandb: 'offline',
      startedAt: '2026-11-28T00:00:00Z',
      kitVersion: 'k',
      state,
      ...(state === 'failed' ? { endedAt: '2026-11-28T01:00:00Z', exitCode: 1 } : {}),
    },
    totalSteps: 100000,
    logSize: 10,
  };
}

test('the header of a running run: step/total, speed, ETA from tqdm, elapsed, commit and the config summary', () => {
  const header = headerFor({
    hostLabel: 'gpu',
    summary: summary('running'),
    now: Date.parse('2026-11-28T10:00:00Z'),
    latest: { step: 25000, total: 100000, rate: 0.69, elapsed: '10:00:00', remaining: '30:11:00', loss: 5.23 },
    config: {
      max_train_steps: 100000,
      train_batch_size: 4,
      gradient_accumulation_steps: 1,
      learning_rate: 5e-6,
      checkpointing_steps: 10000,
      validation_steps: 25000,
      video_num: 3,
      num_frames: 5,
      num_history: 6,
      dataset_names: 'flexiv_1113',
    },
  });
  const facts = Object.fromEntries(header.facts.map((f) => [f.label, f.value]));
  assert.deepEqual(
    [facts.Step, facts.Speed, facts.ETA, facts.Elapsed, facts.train_loss, facts.Commit, facts.GPUs, facts['W&B']],
    [
      '25,000 / 100,000',
      '1.45 s/it',
      '30 h 11 min',
      '10 h 00 min',
      '0.0523',
      '0123456789 (modified)',
      '4 (0, 1, 2, 3)',
      'offline',
    ],
  );
  assert.deepEqual(header.progress, { step: 25000, total: 100000 });
  const config = Object.fromEntries(header.configSummary.map((f) => [f.label, f.value]));
  assert.equal(config.batch, '4 × 4 GPUs × 1 = 16');
  assert.equal(config.validation_steps, '25,000');
  assert.equal(header.stateIcon, 'sync');
});

test('a failed run says why; a folder without a run has no state or config', () => {
  const failed = headerFor({ hostLabel: 'gpu', summary: summary('failed') });
  assert.deepEqual(failed.notice, { level: 'error', text: 'It exited with status 1.' });
  assert.equal(
    failed.facts.find((f) => f.label === 'ETA'),
    undefined,
  );
  const folder = headerFor({ hostLabel: 'this machine', folder: { dir: '/data/model_ckpt/old_run' } });
  assert.deepEqual(
    [folder.kind, folder.title, folder.canOpenSnapshot, folder.configSummary],
    ['folder', 'old_run', false, []],
  );
  assert.deepEqual(configSummary(undefined, 8), []);
});

test('checkpoint rows say "writing" and carry download progress; sample tiles know their cached source', () => {
  const listing = parseListing({
    dir: '/out',
    exists: true,
    owner: null,
    disk: { freeBytes: 1, totalBytes: 2 },
    checkpoints: [
      {
        name: 'checkpoint-100.pt',
        path: '/out/checkpoint-100.pt',
        size: 8 * 2 ** 30,
        mtime: 1e9,
        numbers: [100],
        writing: null,
        exists: true,
      },
      {
        name: 'checkpoint-200.pt',
        path: '/out/checkpoint-200.pt',
        size: 2 ** 30,
        mtime: 1e9,
        numbers: [200],
        writing: 'growing',
        exists: true,
      },
    ],
    samples: [
      {
        name: 'train_steps_200_0.mp4',
        path: '/out/samples/train_steps_200_0.mp4',
        size: 2048,
        mtime: 1e9,
        numbers: [200, 0],
        writing: null,
        exists: true,
      },
    ],
  });
  const rows = checkpointRows(listing.checkpoints, new Map([[100, 0.5]]));
  assert.deepEqual(
    rows.map((r) => [r.sizeText, r.writing, r.downloading]),
    [
      ['8.0 GiB', undefined, 0.5],
      ['1.0 GiB', 'writing (its size is still changing)', undefined],
    ],
  );
  const groups = sampleRows(listing, new Map([['/out/samples/train_steps_200_0.mp4', 'https://webview/x.mp4']]));
  assert.deepEqual(groups, [
    {
      step: 200,
      samples: [
        {
          key: '/out/samples/train_steps_200_0.mp4',
          index: 0,
          name: 'train_steps_200_0.mp4',
          sizeText: '2.0 KiB',
          writing: false,
          src: 'https://webview/x.mp4',
        },
      ],
    },
  ]);
  const gpus = gpuRows(
    [
      {
        index: 0,
        uuid: 'u',
        name: 'A100',
        memoryTotalMiB: 81920,
        memoryUsedMiB: 30000,
        memoryFreeMiB: 1,
        utilizationPercent: 97,
        processes: [],
      },
    ],
    [1],
  );
  assert.deepEqual(gpus[0], {
    index: 0,
    name: 'A100',
    utilization: 97,
    memoryUsedMiB: 30000,
    memoryTotalMiB: 81920,
    inRun: false,
  });
});
