import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readSshHosts, splitConfigLine } from '../../src/core/remote/sshConfig';
import { tempDir } from '../support/fixtures';

test('Host aliases with Include (absolute, globbed), skipping wildcard patterns and Match blocks', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await mkdir(path.join(dir, 'conf.d'));
    await writeFile(
      path.join(dir, 'config'),
      [
        '# my hosts',
        'Host gpu-a100 gpu-h100',
        '  HostName 10.0.0.8',
        '  User ml',
        '  Port 2222',
        'Host *.internal !bastion',
        '  ProxyJump bastion',
        `Include ${dir}/conf.d/*.conf`,
        'Match host foo',
        '  User other',
        'Host "quoted-host"',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'conf.d', 'b.conf'), 'Host=lab-box\n  HostName=lab.example.org\n');
    await writeFile(path.join(dir, 'conf.d', 'a.conf'), 'Host gpu-a100\n  HostName ignored\nHost cluster\n');
    await writeFile(path.join(dir, 'conf.d', 'notes.txt'), 'Host not-included\n');
    const hosts = await readSshHosts(path.join(dir, 'config'));
    assert.deepEqual(
      hosts.map((h) => h.alias),
      ['gpu-a100', 'gpu-h100', 'cluster', 'lab-box', 'quoted-host'],
    );
    assert.equal(hosts[0].detail, 'ml@10.0.0.8:2222');
    assert.equal(hosts.find((h) => h.alias === 'lab-box')?.detail, 'lab.example.org');
  } finally {
    await cleanup();
  }
});

test('a missing config file is no hosts, not an error', async () => {
  assert.deepEqual(await readSshHosts('/nonexistent/ssh_config'), []);
});

test('config lines: key=value, quotes and trailing comments', () => {
  assert.deepEqual(splitConfigLine('  IdentityFile "~/.ssh/my key" # work'), ['IdentityFile', '~/.ssh/my key']);
  assert.deepEqual(splitConfigLine('Host=a b'), ['Host', 'a', 'b']);
  assert.deepEqual(splitConfigLine('# comment'), []);
});
