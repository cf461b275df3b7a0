// Downloads from the real sshd host: interrupted mid-way by killing the SSH connection, then resumed from the
// bytes already copied (rsync and the ssh byte-offset stream), never replacing a local file unasked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile, utimes } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DestinationExistsError, download, type TransferMethod } from '../../src/core/remote/transfer';
import { CancelledError } from '../../src/core/errors';
import { SshError } from '../../src/core/remote/runner';
import { masterPid, startTrainingHost, type TrainingHost } from '../support/trainingHost';

const SIZE = 24 << 20;
let training: TrainingHost;
let source: string;
let digest: string;
let localDir: string;

before(async () => {
  training = await startTrainingHost();
  source = path.join(training.tree.root, 'model_ckpt', "checkpoint 50000 (it's big).pt");
  const bytes = randomBytes(SIZE);
  await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(source), { recursive: true }));
  await writeFile(source, bytes);
  digest = createHash('sha256').update(bytes).digest('hex');
  localDir = await mkdtemp(path.join(os.tmpdir(), 'cwf-download-'));
});

after(async () => {
  await training?.stop();
});

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

for (const method of ['rsync', 'ssh'] satisfies TransferMethod[]) {
  test(`${method}: a download cut off by a dropped connection resumes from where it stopped`, async () => {
    const destination = path.join(localDir, method, 'checkpoint-50000.pt');
    let killed = false;
    await assert.rejects(
      download(training.host, source, destination, {
        method,
        bandwidthLimitKiBps: 4096,
        onProgress: (progress) => {
          if (!killed && progress.bytes > SIZE * 0.25) {
            killed = true;
            void masterPid(training).then((pid) => pid && process.kill(pid, 'SIGKILL'));
          }
        },
      }),
      (error: unknown) => error instanceof SshError,
    );
    const partial = (await stat(`${destination}.part`)).size;
    assert.ok(partial > 0 && partial < SIZE, `partial ${partial}`);
    await assert.rejects(stat(destination));

    const result = await download(training.host, source, destination, { method });
    assert.equal(result.method, method);
    assert.ok(
      result.resumedFrom >= partial * 0.9 && result.resumedFrom < SIZE,
      `resumed from ${result.resumedFrom}, partial was ${partial}`,
    );
    assert.equal(await sha256(destination), digest);
    await assert.rejects(stat(`${destination}.part`));
    await assert.rejects(stat(`${destination}.part.json`));

    // The finished file is never replaced silently.
    await assert.rejects(
      download(training.host, source, destination, { method }),
      (error: unknown) => error instanceof DestinationExistsError,
    );
    assert.equal((await download(training.host, source, destination, { method, overwrite: true })).resumedFrom, 0);
  });
}

test('a cancelled download keeps its partial; a source that changed since is copied anew', async () => {
  const destination = path.join(localDir, 'cancel', 'checkpoint-50000.pt');
  const controller = new AbortController();
  await assert.rejects(
    download(training.host, source, destination, {
      method: 'ssh',
      bandwidthLimitKiBps: 4096,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.bytes > SIZE * 0.2) controller.abort();
      },
    }),
    (error: unknown) => error instanceof CancelledError,
  );
  assert.ok((await stat(`${destination}.part`)).size > 0);
  const later = new Date(Date.now() + 60_000);
  await utimes(source, later, later);
  const result = await download(training.host, source, destination, { method: 'ssh' });
  assert.equal(result.resumedFrom, 0);
  assert.equal(await sha256(destination), digest);
});
