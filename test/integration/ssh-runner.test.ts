// The one command runner against a real OpenSSH server on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { CommandRunner, SshError, sshHost, LOCAL_HOST } from '../../src/core/remote/runner';
import { startSshd, type TestSshHost } from '../support/sshd';

let host: TestSshHost;
let runner: CommandRunner;

before(async () => {
  host = await startSshd();
  runner = new CommandRunner({ sshConfigFile: host.configFile, controlDir: path.join(host.dir, 'control') });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(host.dir, 'control'), { mode: 0o700 });
});

after(async () => {
  // Close the multiplexed master before the server goes away.
  await runner.disconnect(sshHost(host.alias));
  await host.stop();
});

test('a command with awkward arguments arrives byte for byte', async () => {
  const awkward = ["it's", 'a b', '$HOME', '`id`', 'semi;colon', 'new\nline', 'ünïcode'];
  const result = await runner.exec(sshHost(host.alias), ['printf', '%s\\0', ...awkward]);
  assert.equal(result.code, 0);
  assert.deepEqual(result.stdout.split('\0').slice(0, -1), awkward);
});

test('the remote exit status is a result, not an error', async () => {
  const result = await runner.exec(sshHost(host.alias), ['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
});

test('an unknown host key is refused with the way to accept it', async () => {
  // A runner of its own: connections are shared per endpoint, and the known alias already opened one.
  const { mkdtemp } = await import('node:fs/promises');
  const fresh = new CommandRunner({
    sshConfigFile: host.configFile,
    controlDir: await mkdtemp(path.join(host.dir, 'control-')),
  });
  await assert.rejects(fresh.exec(sshHost(host.unknownKeyAlias), ['true']), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.code, 'host-key');
    assert.match(error.fullMessage, new RegExp(`ssh ${host.unknownKeyAlias}`));
    return true;
  });
});

test('a command that exits without reading its input gives its exit status, here and over ssh', async () => {
  // More than a pipe holds: the write meets the closed pipe (the kit launcher's exit 97 before python reads).
  const input = 'x'.repeat(4 * 1024 * 1024);
  for (const target of [LOCAL_HOST, sshHost(host.alias)]) {
    const result = await runner.exec(target, ['sh', '-c', 'exit 97'], { input });
    assert.equal(result.code, 97);
  }
});

test('"this machine" runs the same argument array without ssh', async () => {
  const result = await runner.exec(LOCAL_HOST, ['printf', '%s', "it's $HOME"]);
  assert.equal(result.stdout, "it's $HOME");
});

test('quoting fuzz against the real remote shell: every argument arrives intact and nothing is injected', async () => {
  const { existsSync } = await import('node:fs');
  const canary = path.join(host.dir, 'injected');
  const pieces = [
    ' ',
    "'",
    '"',
    '$',
    ';',
    '`',
    '\\',
    '\n',
    '\t',
    '|',
    '&',
    '>',
    '<',
    '(',
    ')',
    '*',
    '?',
    '[',
    ']',
    '{',
    '}',
    '~',
    '#',
    '!',
    '=',
    '%',
    'ü',
    '日本',
    '🚀',
    'a',
    'Z',
    '0',
    '-',
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `; touch ${canary}`,
    `' ; touch ${canary} ; '`,
    `"; touch ${canary}; "`,
    `\n touch ${canary}\n`,
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 10; round++) {
    const args = Array.from({ length: 20 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join(''),
    );
    const result = await runner.exec(sshHost(host.alias), ['printf', '%s\\0', ...args]);
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.split('\0').slice(0, -1), args);
  }
  assert.equal(existsSync(canary), false);
});
