// The GPU query runs in the host's environment setup (ctrlWorld.remote.envSetup), so a setup that puts nvidia-smi on
// the PATH is enough, whatever PATH the extension itself was started with; a broken setup says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CommandRunner, LOCAL_HOST } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { queryGpus } from '../../src/core/remote/gpus';
import { REPO_ROOT, tempDir } from '../support/fixtures';

const A100 = 'NVIDIA A100-SXM4-80GB';
let work: { dir: string; cleanup: () => Promise<void> };
let bin: string;

before(async () => {
  work = await tempDir('cwf-gpu-env-');
  bin = path.join(work.dir, 'bin');
  await cp(path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'bin'), bin, { recursive: true });
  await writeFile(path.join(bin, 'fake-gpus.json'), JSON.stringify({ count: 2, name: A100, memoryMiB: 81920 }));
});

after(async () => {
  await work?.cleanup();
});

const hostWith = (envSetup: string) =>
  new RemoteHost(new CommandRunner({ controlDir: work.dir }), LOCAL_HOST, envSetup);

test('nvidia-smi put on the PATH by the environment setup answers; its output is not read as GPUs', async () => {
  assert.ok(!(process.env.PATH ?? '').split(':').includes(bin));
  const gpus = await queryGpus(hostWith(`echo activating; export PATH="${bin}:$PATH"`));
  assert.deepEqual(
    gpus.map((gpu) => [gpu.index, gpu.name, gpu.memoryTotalMiB]),
    [
      [0, A100, 81920],
      [1, A100, 81920],
    ],
  );
});

test('an environment setup that fails is named as the cause, not nvidia-smi', async () => {
  await assert.rejects(queryGpus(hostWith('. /nonexistent/activate')), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'env-setup');
    assert.match(error.message, /environment setup command failed on this machine: .*nonexistent/);
    return true;
  });
});

test('a setup written for bash (`source …`) works where /bin/sh is dash, and its failure is caught', async () => {
  const activate = path.join(work.dir, 'activate');
  await writeFile(activate, `export PATH="${bin}:$PATH"\n`);
  const gpus = await queryGpus(hostWith(`source ${activate}`));
  assert.equal(gpus.length, 2);
  await assert.rejects(queryGpus(hostWith('source /nonexistent/activate')), /environment setup command failed/);
});
