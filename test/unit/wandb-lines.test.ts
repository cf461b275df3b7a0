import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wandbRunIn } from '../../src/core/training/wandbLines';

test('an online run: its page, whichever wording and emoji the wandb version prints', () => {
  const log = [
    'wandb: Tracking run with wandb version 0.19.1',
    'wandb: Run data is saved locally in /home/ml/Ctrl-World/wandb/run-20261205_120000-k3j2h1',
    'wandb: Run `wandb offline` to turn off syncing.',
    'wandb: Syncing run train_2026-12-05T12-00-00_flexiv_finetune',
    'wandb: ⭐️ View project at https://wandb.ai/lab/ctrl_world_flexiv',
    'wandb: 🚀 View run at https://wandb.ai/lab/ctrl_world_flexiv/runs/k3j2h1',
    'Steps:   1%|          | 1000/100000 [24:10<39:50:00,  1.45s/it]',
  ].join('\n');
  assert.deepEqual(wandbRunIn(log), {
    mode: 'online',
    url: 'https://wandb.ai/lab/ctrl_world_flexiv/runs/k3j2h1',
    dir: '/home/ml/Ctrl-World/wandb/run-20261205_120000-k3j2h1',
  });
  assert.equal(
    wandbRunIn('wandb: 🚀 View run train_x at: https://wandb.ai/lab/p/runs/abc\r')?.url,
    'https://wandb.ai/lab/p/runs/abc',
  );
});

test('an offline run: the folder wandb sync takes; no W&B lines: nothing', () => {
  const log = [
    'wandb: Tracking run with wandb version 0.19.1',
    'wandb: W&B syncing is set to `offline` in this directory.',
    'wandb: Run `wandb online` or set WANDB_MODE=online to enable cloud syncing.',
    'wandb: You can sync this run to the cloud by running:',
    'wandb: wandb sync /home/ml/Ctrl-World/wandb/offline-run-20261205_120000-k3j2h1',
  ].join('\n');
  assert.deepEqual(wandbRunIn(log), {
    mode: 'offline',
    dir: '/home/ml/Ctrl-World/wandb/offline-run-20261205_120000-k3j2h1',
  });
  assert.equal(wandbRunIn('Steps:  10%|█ | 10/100 [00:01<00:09, 9.9it/s]\n'), undefined);
});
