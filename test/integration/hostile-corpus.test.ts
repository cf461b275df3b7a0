// Every hostile input of test/support/hostileCorpus.ts through the built CLI as its own process: the exit code and
// message, and no more than 10 s of CPU and 500 MB each (measured by /usr/bin/time; CPU rather than wall time, which a
// busy machine stretches). The table goes to test-results/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HOSTILE_CASES } from '../support/hostileCorpus';
import { REPO_ROOT, tempDir } from '../support/fixtures';

const rows: string[] = [];
after(async () => {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await writeFile(
    path.join(REPO_ROOT, 'test-results', 'hostile-corpus.md'),
    ['| case | exit | wall (s) | CPU (s) | peak RSS (MB) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n') +
      '\n',
  );
});

for (const hostile of HOSTILE_CASES) {
  test(`hostile input: ${hostile.name}`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    const argv = await hostile.build(dir);
    const stats = path.join(dir, 'time.txt');
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        '/usr/bin/time',
        ['-o', stats, '-f', '%e %U %S %M', process.execPath, path.join(REPO_ROOT, 'dist', 'cli.js'), ...argv],
        { cwd: REPO_ROOT, timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
            output: `${stdout}${stderr}`,
          }),
      );
    });
    const [seconds, user, system, kilobytes] = (await import('node:fs'))
      .readFileSync(stats, 'utf8')
      .trim()
      .split('\n')
      .pop()!
      .split(' ')
      .map(Number);
    const cpu = user! + system!;
    rows.push(
      `| ${hostile.name} | ${code} | ${seconds!.toFixed(2)} | ${cpu.toFixed(2)} | ${(kilobytes! / 1024).toFixed(0)} |`,
    );
    assert.equal(code, hostile.exitCode, output);
    assert.match(output, hostile.output);
    assert.ok(cpu < 10, `${cpu.toFixed(2)} s of CPU (${seconds} s wall)`);
    assert.ok(kilobytes! < 500 * 1024, `${kilobytes} KB`);
    await hostile.after?.(dir);
  });
}
