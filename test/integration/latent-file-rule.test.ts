// One latent-file rule on both sides: the editor's check (latentFile.ts, locally and over a host's snapshot) and the
// GPU host's (remote-kit/latent_file.py, used by the encoder and the snapshot) give the verdict
// test/fixtures/latent_files.json expects for each of the same files, written once here by torch_pt.py.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readLatentInfo, type LatentInfo } from '../../src/core/convert/check';
import { snapshotFiles, type ConvertedSnapshot } from '../../src/core/convert/check/files';
import { REPO_ROOT, runProcess, SYSTEM_PYTHON, tempDir } from '../support/fixtures';

interface Case {
  readonly file: string;
  readonly spec: Record<string, unknown>;
  readonly verdict: { ok: true; shape: number[]; dtype: string } | { ok: false; reason: string };
}

const execFileAsync = promisify(execFile);
const KIT = path.join(REPO_ROOT, 'remote-kit');
const CASES = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'latent_files.json'), 'utf8')) as {
    files: Case[];
  }
).files;
let folder: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ dir: folder, cleanup } = await tempDir('cwf-latent-rule-'));
  const specs = CASES.map((item) => ({ ...item.spec, path: path.join(folder, item.file) }));
  await runProcess(SYSTEM_PYTHON, [path.join(REPO_ROOT, 'test', 'fixtures', 'torch_pt.py')], JSON.stringify(specs));
});

after(() => cleanup());

/** Verdicts by file name, so that a failure lists every file whose verdict differs. */
function byFile(verdicts: ReadonlyArray<Case['verdict']>): Record<string, Case['verdict']> {
  return Object.fromEntries(CASES.map((item, index) => [item.file, verdicts[index]!]));
}
const EXPECTED = byFile(CASES.map((item) => item.verdict));

function verdictOf(info: LatentInfo): Case['verdict'] {
  return info.ok ? { ok: true, shape: info.shape, dtype: info.dtype } : { ok: false, reason: info.reason };
}

test('the editor reads each shared file to its expected verdict', async () => {
  const verdicts = await Promise.all(CASES.map((item) => readLatentInfo(path.join(folder, item.file))));
  assert.deepEqual(byFile(verdicts.map(verdictOf)), EXPECTED);
});

test("the editor's check over the host's snapshot of each file gives the same verdict", async () => {
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(KIT)}); import converted_snapshot as s; print(json.dumps({p: s.read_latent(p) for p in sys.argv[1:]}))`;
  const files = CASES.map((item) => path.join(folder, item.file));
  const latents = JSON.parse(await runProcess(SYSTEM_PYTHON, ['-c', script, ...files])) as ConvertedSnapshot['latents'];
  const snapshot = snapshotFiles({ dirs: {}, texts: {}, unreadable: {}, latents });
  const verdicts = await Promise.all(CASES.map((item) => snapshot.latentInfo(path.join(folder, item.file))));
  assert.deepEqual(byFile(verdicts.map(verdictOf)), EXPECTED);
});

test("the GPU host's rule (remote-kit/latent_file.py) gives each of the same files the same verdict", async () => {
  const { stdout, stderr } = await execFileAsync(
    SYSTEM_PYTHON,
    ['-m', 'unittest', 'discover', '-s', path.join(KIT, 'tests'), '-p', 'test_latent_file.py', '-v'],
    { cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, LATENT_FILES_DIR: folder } },
  );
  const report = `${stdout}${stderr}`;
  assert.match(report, /^OK/m, report);
  assert.match(report, /Ran 4 tests/, 'every test ran');
});
