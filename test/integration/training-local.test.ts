// "This machine" as the GPU host: the same preflight, launch, listing and stop run locally without ssh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { CommandRunner, LOCAL_HOST } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { RunRegistry } from '../../src/core/training/registry';
import { launchBasics, runPreflight, type PreflightResult } from '../../src/core/training/preflight';
import { launchRun } from '../../src/core/training/launch';
import { makeGpuHostTree, type GpuHostTree } from '../support/gpuHost';
import { tempDir } from '../support/fixtures';
import { freePort } from '../support/sshd';
import { processesOfRun, waitFor } from '../support/trainingHost';

let tree: GpuHostTree;
let cleanup: () => Promise<void>;
let registry: RunRegistry;
const originalPath = process.env.PATH;

before(async () => {
  const work = await tempDir('cwf-local-host-');
  cleanup = work.cleanup;
  tree = await makeGpuHostTree(work.dir, { gpus: 2, steps: 2000, stepSeconds: 0.05 });
  // What Remote-SSH or code-server on the GPU machine would have on its PATH: nvidia-smi and accelerate.
  process.env.PATH = `${tree.bin}:${originalPath}`;
  registry = new RunRegistry(
    new RemoteHost(new CommandRunner({ controlDir: work.dir }), LOCAL_HOST),
    tree.registryRoot,
  );
});

after(async () => {
  process.env.PATH = originalPath;
  await cleanup?.();
});

test('preflight, launch, list and stop on this machine, with no ssh involved', async () => {
  const port = await freePort();
  const preflight = await passedPreflight(port);
  assert.match(preflight.checks[0].message, /this machine/);
  const context = preflight.context!;
  assert.deepEqual(context.gpus, [0, 1]);
  const launched = await launchRun(registry, {
    ...launchBasics(context),
    mainProcessPort: port,
    wandb: { mode: 'offline' },
    detach: 'setsid',
    envSetup: tree.envSetup,
  });
  assert.equal(launched.outputDir, path.join(tree.checkout, 'model_ckpt', 'flexiv_finetune'));
  await waitFor('progress', async () =>
    ((await registry.get(launched.runId)).progress?.step ?? 0) > 3 ? true : undefined,
  );
  const [listed] = await registry.list();
  assert.equal(listed.record.host, 'this machine');
  assert.equal(listed.record.git?.commit.length, 40);
  const stopped = await registry.stop(launched.runId, 5);
  assert.deepEqual([stopped.state, stopped.remaining], ['stopped', []]);
  assert.deepEqual(await processesOfRun(launched.runId), []);
  assert.match(await readFile(listed.record.logFile, 'utf8'), /ALL dataset, 40 samples in total/);
});

test("a port the last run's connections left in TIME_WAIT passes the preflight and the launcher binds it", async () => {
  // torch's rendezvous store listens with SO_REUSEADDR, so starting again on the port a stopped run used works; a
  // check that bound without it would call the port busy for a minute after every stop.
  const port = await freePort();
  await leaveTimeWait(port);
  assert.ok(await inTimeWait(port), `no connection of port ${port} is in TIME_WAIT`);
  const preflight = await passedPreflight(port, path.join(tree.checkout, 'model_ckpt', 'time-wait'));
  const launched = await launchRun(registry, {
    ...launchBasics(preflight.context!),
    mainProcessPort: port,
    wandb: { mode: 'offline' },
    detach: 'setsid',
    envSetup: tree.envSetup,
  });
  await waitFor('progress', async () =>
    ((await registry.get(launched.runId)).progress?.step ?? 0) > 3 ? true : undefined,
  );
  const stopped = await registry.stop(launched.runId, 5);
  assert.deepEqual([stopped.state, stopped.remaining], ['stopped', []]);
});

/** The preflight on this machine, asserted to pass. */
async function passedPreflight(port: number, outputDir?: string): Promise<PreflightResult> {
  const preflight = await runPreflight({
    registry,
    workdir: tree.checkout,
    config: { kind: 'host', path: 'config_flexiv.py' },
    outputDir,
    mainProcessPort: port,
    wandb: 'offline',
    detach: 'setsid',
    envSetup: tree.envSetup,
    environment: { checkpointSizeGb: 0.001 },
  });
  assert.deepEqual(
    preflight.checks.filter((c) => !c.ok),
    [],
  );
  return preflight;
}

/** A listener with SO_REUSEADDR (as node's and torch's are) that closes its accepted connection first. */
async function leaveTimeWait(port: number): Promise<void> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  await new Promise<void>((resolve, reject) => {
    const client = net.connect(port, '127.0.0.1');
    client.on('error', reject);
    client.on('close', () => resolve());
    client.resume();
  });
  await new Promise((resolve) => server.close(resolve));
}

/** Whether /proc/net/tcp lists a connection of the local `port` in TIME_WAIT (state 06). */
async function inTimeWait(port: number): Promise<boolean> {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const [, address, , state] = line.trim().split(/\s+/);
    return address?.endsWith(local) && state === '06';
  });
}
