import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

test('--help lists the program and exits 0', async () => {
  const { io, out } = capture();
  assert.equal(await runCli(['--help'], io, '1.2.3'), 0);
  assert.match(out.join('\n'), /^ctrl-world-flexiv 1\.2\.3/);
});

test('--version prints the version', async () => {
  const { io, out } = capture();
  assert.equal(await runCli(['--version'], io, '1.2.3'), 0);
  assert.deepEqual(out, ['1.2.3']);
});

test('no arguments and unknown commands are usage errors (exit 2)', async () => {
  assert.equal(await runCli([], capture().io, '1'), 2);
  const { io, err } = capture();
  assert.equal(await runCli(['frobnicate'], io, '1'), 2);
  assert.match(err.join(''), /unknown command "frobnicate"/);
});
