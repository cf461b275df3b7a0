import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main';
import { GROUP_NAMES, GROUP_WORDS, groupOf, loadGroup } from '../../src/cli/groups';

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

test('every command lives in the group its first word names, so that the command loads that group alone', async () => {
  for (const group of GROUP_NAMES) {
    const { commands } = await loadGroup(group);
    assert.ok(commands.length > 0, group);
    for (const command of commands) assert.equal(groupOf(command.name.split(' ')[0]), group, command.name);
  }
  const { io, out } = capture();
  await runCli(['--help'], io, '1');
  const listed = [...out.join('\n').matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]);
  assert.deepEqual(
    [...new Set(listed)],
    GROUP_NAMES.flatMap((group) => GROUP_WORDS[group]),
  );
});

test("a command's usage errors and failures are told apart inside its group's bundle (exit 2, then 1)", async () => {
  const usage = capture();
  assert.equal(await runCli(['scan'], usage.io, '1'), 2);
  assert.match(usage.err.join(''), /missing the dataset folder\nUsage: ctrl-world-flexiv scan/);
  const failure = capture();
  assert.equal(
    await runCli(['frame', '/no/such/episode.hdf5', 'cam_high', '0', '--out', '/tmp/x.jpg'], failure.io, '1'),
    1,
  );
  assert.match(failure.err.join(''), /^ctrl-world-flexiv frame: /);
});
