// `config set` keeps the file what the user made it (link, mode, hard links) and refuses what it cannot edit safely.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, link, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { writeFileAtomic } from '../../src/core/atomicWrite';
import { parseConfigDocument, setConfigValue } from '../../src/core/config';
import { tempDir } from '../support/fixtures';
import { readConfigFixture } from '../support/configFixtures';

const flexiv = readConfigFixture('config_flexiv.py');
let dir: string;
let cleanup: () => Promise<void>;
before(async () => ({ dir, cleanup } = await tempDir()));
after(() => cleanup?.());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => out.push(line) }, 'test');
  return { code, out: out.join('\n') };
}

test('config set writes through a symbolic link and keeps the mode (600 and 444)', async () => {
  const real = path.join(dir, 'real', 'config_flexiv.py');
  await mkdir(path.dirname(real));
  await writeFile(real, flexiv);
  await chmod(real, 0o600);
  const linked = path.join(dir, 'config_link.py');
  await symlink(real, linked);
  assert.equal((await cli('config', 'set', linked, 'train_batch_size=2')).code, 0);
  assert.ok((await lstat(linked)).isSymbolicLink(), 'still a link');
  assert.equal(await readlink(linked), real);
  assert.match(await readFile(real, 'utf8'), /train_batch_size\s*=\s*2/);
  assert.equal((await stat(real)).mode & 0o777, 0o600);
  await chmod(real, 0o444);
  assert.equal((await cli('config', 'set', linked, 'train_batch_size=3')).code, 0);
  assert.equal((await stat(real)).mode & 0o777, 0o444);
});

test('a hard-linked file is written in place, so every name sees the change', async () => {
  const first = path.join(dir, 'hard_a.py');
  const second = path.join(dir, 'hard_b.py');
  await writeFile(first, flexiv);
  await link(first, second);
  assert.equal((await cli('config', 'set', first, 'train_batch_size=2')).code, 0);
  assert.equal((await stat(first)).ino, (await stat(second)).ino);
  assert.match(await readFile(second, 'utf8'), /train_batch_size\s*=\s*2/);
});

test('an unwritable output says "Cannot write to" with the path, not a raw errno', async () => {
  const blocker = path.join(dir, 'a-file');
  await writeFile(blocker, '');
  await assert.rejects(
    writeFileAtomic(path.join(blocker, 'x', 'out.png'), 'x'),
    (error: Error & { code?: string }) =>
      error.code === 'cannot-write' && error.message.startsWith(`Cannot write to ${blocker}/x/out.png`),
  );
});

test('a field assigned inside if/else is reported as conditional and never edited', async () => {
  const source = flexiv.replace(
    /^( *)video_num\s*=.*$/m,
    '$1if True:\n$1    video_num = 3\n$1else:\n$1    video_num = 1',
  );
  const document = parseConfigDocument(source);
  assert.ok(document.conditional.has('video_num'));
  assert.throws(
    () => setConfigValue(source, 'video_num', 2),
    /video_num is set conditionally \(line \d+: video_num = 3.*nothing was changed/,
  );
  const file = path.join(dir, 'conditional.py');
  await writeFile(file, source);
  const shown = await cli('config', 'show', file);
  assert.match(shown.out, /video_num +\(set conditionally, line \d+\)/);
  const set = await cli('config', 'set', file, 'video_num=2');
  assert.equal(set.code, 1);
  assert.equal(await readFile(file, 'utf8'), source, 'no override appended');
});

test('a file Python cannot parse is refused before any edit; 20,000 nested brackets are an error, not a stack overflow', () => {
  for (const [broken, reason] of [
    [flexiv.replace(/^( *)video_num\s*=.*$/m, '$1video_num = (3'), /"\(" is never closed/],
    [flexiv.replace(/^( *)video_num\s*=.*$/m, '$1video_num = 3)'), /"\)" does not close any bracket/],
    [flexiv.replace(/^( *)video_num\s*=.*$/m, '$1  video_num = 3'), /unexpected indentation/],
    [
      flexiv.replace(/^( *)video_num\s*=.*$/m, `$1video_num = ${'('.repeat(20_000)}3${')'.repeat(20_000)}`),
      /more than 200 nested brackets/,
    ],
  ] as const) {
    const document = parseConfigDocument(broken);
    assert.match(document.syntaxError?.reason ?? '', reason);
    assert.throws(() => setConfigValue(broken, 'train_batch_size', 2), /cannot be edited: line \d+/);
  }
  const deep = parseConfigDocument(flexiv.replace(/^( *)video_num\s*=.*$/m, `$1video_num = ${'-'.repeat(50_000)}3`));
  assert.equal(deep.effective.get('video_num')?.form, 'unreadable');
});

test('non-finite numbers are an error on the value, never "checkpoint-NaN.pt"', async () => {
  const file = path.join(dir, 'nan.py');
  for (const value of ["float('nan')", '10**400', '1e300']) {
    await writeFile(file, flexiv.replace(/^( *)max_train_steps\s*=.*$/m, `$1max_train_steps = ${value}`));
    const { code, out } = await cli('config', 'check', file);
    assert.equal(code, 1, value);
    assert.match(out, /error +max_train_steps: max_train_steps (is|must be a number)/, value);
    assert.doesNotMatch(out, /NaN|Infinity|e\+\d+\.pt/, value);
  }
});
