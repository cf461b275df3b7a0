// Latent encoding driven over a real sshd: the metadata and episodes go up as tar streams through the one runner,
// the kit's encoder reports a missing torch as an error that says what to install, and cancelling stops the
// encoder's whole process group on the host (with a stand-in VAE that never finishes loading).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CancelledError } from '../../src/core/errors';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { convertDataset, DEFAULT_CONVERT_OPTIONS, MANIFEST_FILE } from '../../src/core/convert';
import { encodeLatents, EncodeError, parseEncodeLine, type EncodeEvent } from '../../src/core/convert/remoteEncode';
import { uploadFiles } from '../../src/core/convert/upload';
import { startSshd, type TestSshHost } from '../support/sshd';
import { REPO_ROOT, writeEpisodes } from '../support/fixtures';

const execFileAsync = promisify(execFile);
let sshd: TestSshHost;
let host: RemoteHost;
let local: string;
let input: string;
const remote = () => path.join(sshd.dir, 'gpu-host');

before(async () => {
  // The stand-in GPU host's tools, its python3 among them: a Python without torch.
  sshd = await startSshd({ pathPrefix: [path.join(REPO_ROOT, 'test', 'fixtures', 'gpu-host', 'bin')] });
  await mkdir(path.join(sshd.dir, 'control'), { mode: 0o700 });
  host = new RemoteHost(
    new CommandRunner({ sshConfigFile: sshd.configFile, controlDir: path.join(sshd.dir, 'control') }),
    sshHost(sshd.alias),
  );
  input = path.join(sshd.dir, 'local', 'episodes');
  local = path.join(sshd.dir, 'local', 'flexiv_data');
  await writeEpisodes(
    input,
    [0, 1, 2].map((i) => ({ path: `episode_${i}.hdf5`, frames: 60, height: 16, width: 24, seed: i })),
  );
  await convertDataset({
    input,
    outRoot: local,
    options: { ...DEFAULT_CONVERT_OPTIONS, name: 'flexiv_1113', pose: { array: 'qpos', format: 'joints' } },
  });
  await mkdir(path.join(remote(), 'svd', 'vae'), { recursive: true });
});

after(async () => {
  await host?.disconnect();
  await sshd?.stop();
});

const request = (envSetup?: string) => ({
  datasetDir: path.join(remote(), 'flexiv_data', 'flexiv_1113'),
  episodesDir: path.join(remote(), 'episodes'),
  svdPath: path.join(remote(), 'svd'),
  gpus: [],
  envSetup,
});

test('metadata and episodes arrive on the host byte for byte', async () => {
  await uploadFiles(host, path.join(local, 'flexiv_1113'), ['annotation', MANIFEST_FILE], request().datasetDir);
  await uploadFiles(host, input, ['episode_0.hdf5', 'episode_2.hdf5'], request().episodesDir);
  assert.deepEqual(
    (await readdir(path.join(request().datasetDir, 'annotation', 'train'))).sort(),
    (await readdir(path.join(local, 'flexiv_1113', 'annotation', 'train'))).sort(),
  );
  assert.deepEqual(
    await readFile(path.join(request().episodesDir, 'episode_2.hdf5')),
    await readFile(path.join(input, 'episode_2.hdf5')),
  );
  await assert.rejects(uploadFiles(host, input, ['no-such.hdf5'], request().episodesDir), /Packing .* failed/);
});

test('an environment without torch is told what to install, naming the host', async () => {
  await assert.rejects(encodeLatents(host, path.join(remote(), 'registry'), request()), (error: unknown) => {
    assert.ok(error instanceof EncodeError, String(error));
    assert.equal(error.code, 'missing-module');
    assert.match(error.message, new RegExp(`on ${sshd.alias} failed: .*torch.*pip install`));
    assert.match(error.hint ?? '', /ctrlWorld\.remote\.envSetup/);
    return true;
  });
  await assert.rejects(
    encodeLatents(host, path.join(remote(), 'registry'), request('false')),
    /environment setup command failed/,
  );
});

test('cancel stops the encoder and its workers on the host', async () => {
  const fake = path.join(remote(), 'fake-site');
  await mkdir(path.join(fake, 'torch'), { recursive: true });
  await mkdir(path.join(fake, 'diffusers', 'models'), { recursive: true });
  await writeFile(path.join(fake, 'torch', '__init__.py'), '');
  await writeFile(path.join(fake, 'diffusers', '__init__.py'), '');
  await writeFile(
    path.join(fake, 'diffusers', 'models', '__init__.py'),
    'import time\n\nclass AutoencoderKLTemporalDecoder:\n    @staticmethod\n    def from_pretrained(path, subfolder=None):\n        time.sleep(120)\n',
  );
  const events: EncodeEvent[] = [];
  const abort = new AbortController();
  const run = encodeLatents(
    host,
    path.join(remote(), 'registry'),
    request(`export PATH=/usr/bin:$PATH PYTHONPATH=${fake}`),
    {
      signal: abort.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.event === 'start') setTimeout(() => abort.abort(), 1500);
      },
    },
  );
  await assert.rejects(run, CancelledError);
  const processEvent = events.find((event) => event.event === 'process') as
    Extract<EncodeEvent, { event: 'process' }> | undefined;
  assert.ok(processEvent, `the encoder said its process group: ${JSON.stringify(events)}`);
  assert.deepEqual(
    events.find((event) => event.event === 'start'),
    { event: 'start', episodes: 3, todo: 3, done: 0, devices: ['cpu'] },
  );
  const deadline = Date.now() + 10_000;
  let left = '';
  do {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await execFileAsync('pgrep', ['-g', String(processEvent.pgid)]).then(
      ({ stdout }) => stdout.trim(),
      () => '',
    );
  } while (left && Date.now() < deadline);
  assert.equal(left, '', "no process of the encoder's group is left");
});

test('progress lines parse; anything else a library prints is ignored', () => {
  assert.deepEqual(parseEncodeLine('CWF-ENCODE {"event": "end", "encoded": 2, "failed": 0, "skipped": 1}'), {
    event: 'end',
    encoded: 2,
    failed: 0,
    skipped: 1,
  });
  assert.equal(parseEncodeLine('Loading pipeline components...: 100%'), undefined);
  assert.equal(parseEncodeLine('CWF-ENCODE {broken'), undefined);
});
