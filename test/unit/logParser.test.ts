import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  LogParser,
  collapseCarriageReturns,
  parseProgress,
  stripLogPrefixes,
  type LogEvent,
} from '../../src/core/training/logParser';
import { REPO_ROOT } from '../support/fixtures';

const REAL_LOG = readFileSync(
  path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference', 'accelerate-tqdm-log.txt'),
  'utf8',
);

function feed(text: string, chunkSize: number): { parser: LogParser; events: LogEvent[] } {
  const parser = new LogParser();
  const events: LogEvent[] = [];
  for (let i = 0; i < text.length; i += chunkSize) events.push(...parser.push(text.slice(i, i + chunkSize)));
  events.push(...parser.end());
  return { parser, events };
}

test('the real accelerate + tqdm log: total steps, carriage-return progress and the loss postfix', () => {
  for (const chunkSize of [7, 64, 100_000]) {
    const { parser, events } = feed(REAL_LOG, chunkSize);
    assert.equal(parser.totalSteps, 300);
    const progress = events.filter((e) => e.kind === 'progress').map((e) => e.kind === 'progress' && e.progress);
    assert.deepEqual(progress[0], {
      step: 0,
      total: 300,
      rate: undefined,
      elapsed: '00:00',
      remaining: undefined,
      loss: undefined,
      learningRate: undefined,
    });
    const withLoss = progress.find((p) => p && p.loss !== undefined);
    assert.ok(withLoss && withLoss.step === 100 && withLoss.loss === 10);
    // The file ends inside a half-written update: the last complete one counts.
    assert.equal(parser.progress?.step, 165);
    assert.equal(parser.progress?.rate, 49.51);
    assert.equal(parser.progress?.remaining, '00:02');
    const lines = events.filter((e) => e.kind === 'line').map((e) => e.kind === 'line' && e.text);
    assert.ok(lines.some((line) => typeof line === 'string' && line.includes('[RANK 0] ***** Running training *****')));
    assert.equal(parser.errors.length, 0);
  }
});

test("prefixes of accelerate's logger and torchrun's ranks are stripped", () => {
  assert.equal(
    stripLogPrefixes('11/28/2026 00:38:49 - INFO - __main__ - [RANK 0]   Num examples = 1234'),
    '  Num examples = 1234',
  );
  assert.equal(stripLogPrefixes('[rank3]: Traceback (most recent call last):'), 'Traceback (most recent call last):');
});

test('s/it rates become it/s and a scientific-notation loss is read', () => {
  const progress = parseProgress('Steps:  45%|████▌     | 45000/100000 [17:02:11<20:49:24,  1.36s/it, loss=1.2e+01]');
  assert.equal(progress?.step, 45000);
  assert.ok(progress?.rate && Math.abs(progress.rate - 1 / 1.36) < 1e-9);
  assert.equal(progress?.loss, 12);
  assert.equal(progress?.learningRate, undefined);
  assert.equal(
    parseProgress('Steps:   1%|          | 200/100000 [04:48<40:00:00,  1.44s/it, loss=52.3, lr=5e-06]')?.learningRate,
    5e-6,
  );
  assert.equal(progress?.remaining, '20:49:24');
  // Other bars (the diffusion pipeline's during validation) are not the training progress.
  assert.equal(parseProgress(' 40%|████      | 20/50 [00:02<00:03,  9.8it/s]'), undefined);
});

test('checkpoints saved are events with their step', () => {
  const { events } = feed(
    '11/28/2026 01:00:00 - INFO - __main__ - [RANK 0] Saved checkpoint to model_ckpt/flexiv/checkpoint-10000.pt\n',
    16,
  );
  assert.deepEqual(
    events.filter((e) => e.kind === 'checkpoint'),
    [{ kind: 'checkpoint', step: 10000, path: 'model_ckpt/flexiv/checkpoint-10000.pt' }],
  );
});

const OOM_TRACEBACK = [
  '[rank1]: Traceback (most recent call last):',
  '[rank1]:   File "scripts/train_wm.py", line 120, in main',
  '[rank1]:     loss_gen, _ = model(batch)',
  '[rank1]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.15 GiB',
].join('\n');

test("CUDA out of memory in a rank's traceback, reported once for all ranks, with the config remedies", () => {
  const text = `${OOM_TRACEBACK}\n${OOM_TRACEBACK}\nTraceback (most recent call last):\n  File "/usr/bin/accelerate", line 8\nsubprocess.CalledProcessError: Command '[...]' returned non-zero exit status 1.\n`;
  const { parser } = feed(text, 33);
  assert.equal(parser.errors.length, 1);
  assert.equal(parser.errors[0].kind, 'oom');
  assert.match(parser.errors[0].nextStep, /train_batch_size \(4 → 2\)/);
  assert.match(parser.errors[0].detail, /^torch\.OutOfMemoryError: CUDA out of memory/);
});

test('NCCL errors, a busy rendezvous port, missing files and any other traceback are recognised', () => {
  const cases: Array<[string, string, RegExp?]> = [
    [
      'Traceback (most recent call last):\n  File "x"\ntorch.distributed.DistBackendError: NCCL error in: NCCLUtils.hpp:317, unhandled system error\n',
      'nccl',
    ],
    [
      'torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29501, name: EADDRINUSE\n',
      'port',
    ],
    [
      'Traceback (most recent call last):\n  File "d.py"\nFileNotFoundError: [Errno 2] No such file or directory: \'meta/flexiv_1113/stat.json\'\n',
      'missing-file',
      /meta\/flexiv_1113\/stat\.json/,
    ],
    [
      'Traceback (most recent call last):\n  File "t.py", line 3\n    x = 1 / 0\nZeroDivisionError: division by zero\n',
      'traceback',
      /ZeroDivisionError/,
    ],
  ];
  for (const [text, kind, title] of cases) {
    const { parser } = feed(text, 5);
    assert.equal(parser.errors.length, 1, text);
    assert.equal(parser.errors[0].kind, kind);
    if (title) assert.match(parser.errors[0].title, title);
  }
});

test('a lone CalledProcessError still says that training failed', () => {
  const { parser } = feed(
    'Traceback (most recent call last):\n  File "/usr/bin/accelerate"\nsubprocess.CalledProcessError: Command \'x\' returned non-zero exit status 1.\n',
    9,
  );
  assert.equal(parser.errors[0]?.kind, 'traceback');
});

test('carriage-return runs collapse to their last state for reading', () => {
  assert.equal(collapseCarriageReturns('a\rb\rc\nline\n\rSteps 1\rSteps 2'), 'c\nline\nSteps 2');
});

test("a real 2-GPU accelerate run stopped with SIGTERM: its progress reads, and the launcher's dying traceback is a signal, not a crash", () => {
  // Written by remote-kit/tests/test_runs_gpu.py on two H200s: launched by runs.py, stopped by runs.py stop.
  const stoppedLog = readFileSync(
    path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'reference', 'accelerate-2gpu-stopped-log.txt'),
    'utf8',
  );
  for (const chunkSize of [11, 100_000]) {
    const { parser } = feed(stoppedLog, chunkSize);
    assert.equal(parser.totalSteps, 100_000);
    assert.equal(parser.progress?.step, 25);
    assert.equal(parser.progress?.loss, 0.374);
    assert.ok(parser.errors.length > 0);
    for (const error of parser.errors) {
      assert.equal(error.kind, 'signal');
      assert.equal(error.title, "Training was ended by SIGTERM, sent to accelerate's launcher.");
    }
  }
});
