import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgress, progressLine } from '../../src/cli/progress';

test('progress says count, rate and time left, and is throttled; the last update always shows', () => {
  assert.equal(formatProgress('scan', 120, 200, 2.5), 'scan 120/200 · 48.0/s · 2 s left');
  assert.equal(formatProgress('convert', 10, 1000, 5), 'convert 10/1000 · 2.0/s · 8 min 15 s left');
  assert.equal(formatProgress('scan', 200, 200, 4), 'scan 200/200 · 50.0/s');
  const lines: Array<string | null> = [];
  let clock = 0;
  const line = progressLine(
    { out: () => undefined, err: () => undefined, progress: (text) => lines.push(text) },
    { positionals: [], values: {} },
    'scan',
    () => clock,
  );
  for (let done = 1; done <= 10; done++) {
    clock += 50;
    line.update({ done, total: 10 });
  }
  line.finish();
  assert.deepEqual(lines, [
    'scan 1/10 · 20.0/s · 1 s left',
    'scan 5/10 · 20.0/s · 1 s left',
    'scan 9/10 · 20.0/s · 1 s left',
    'scan 10/10 · 20.0/s',
    null,
  ]);
});

test('nothing extra without a terminal or with --json', () => {
  const lines: Array<string | null> = [];
  const io = { out: () => undefined, err: () => undefined, progress: (text: string | null) => lines.push(text) };
  const json = progressLine(io, { positionals: [], values: { json: true } }, 'scan');
  json.update({ done: 1, total: 1 });
  json.finish();
  const noTerminal = progressLine(
    { out: () => undefined, err: () => undefined },
    { positionals: [], values: {} },
    'scan',
  );
  noTerminal.update({ done: 1, total: 1 });
  noTerminal.finish();
  assert.deepEqual(lines, []);
});
