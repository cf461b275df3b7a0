// A stand-in GPU host served by the real sshd: the tree from gpuHost.ts, the runner with its own socket folder,
// and helpers to look at the host's processes the way a person with a terminal would.
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import type { LaunchRequest } from '../../src/core/training/launch';
import * as path from 'node:path';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { RunRegistry } from '../../src/core/training/registry';
import { makeGpuHostTree, type GpuHostOptions, type GpuHostTree } from './gpuHost';
import { runProcess, tempDir } from './fixtures';
import { freePort, startSshd, type TestSshHost } from './sshd';

export interface TrainingHost {
  readonly sshd: TestSshHost;
  readonly tree: GpuHostTree;
  readonly runner: CommandRunner;
  readonly host: RemoteHost;
  readonly registry: RunRegistry;
  readonly controlDir: string;
  stop(): Promise<void>;
}

export async function startTrainingHost(
  options: GpuHostOptions = {},
  remoteEnv: Readonly<Record<string, string>> = {},
): Promise<TrainingHost> {
  const work = await tempDir('cwf-gpuhost-');
  const tree = await makeGpuHostTree(work.dir, options);
  const sshd = await startSshd({ pathPrefix: [tree.bin], env: remoteEnv });
  const controlDir = path.join(sshd.dir, 'control');
  await mkdir(controlDir, { mode: 0o700 });
  const runner = new CommandRunner({ sshConfigFile: sshd.configFile, controlDir });
  const host = new RemoteHost(runner, sshHost(sshd.alias));
  return {
    sshd,
    tree,
    runner,
    host,
    controlDir,
    registry: new RunRegistry(host, tree.registryRoot),
    async stop() {
      await killRunsOf(tree.registryRoot);
      await host.disconnect();
      await sshd.stop();
      await work.cleanup();
    },
  };
}

/** Processes carrying a run's marker in their environment: what is left of a run anywhere on the machine. */
export async function processesOfRun(runId: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`);
      if (environ.includes(Buffer.from(`CTRL_WORLD_FLEXIV_RUN=${runId}\0`))) found.push(Number(entry));
    } catch {
      // Gone, or not ours.
    }
  }
  return found;
}

/**
 * Asserts that no process of the run is left within `withinMs`: the record says the run ended as soon as the trainer
 * exits, and its supervisor shell still writes that record and exits a moment after.
 */
export async function assertNoProcessLeft(runId: string, message?: string, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && (await processesOfRun(runId)).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(await processesOfRun(runId), [], message);
}

/** Safety net for failed tests: no stand-in trainer of this host's registry outlives its test. */
export async function killRunsOf(registryRoot: string): Promise<void> {
  const runIds = await readdir(path.join(registryRoot, 'runs')).catch(() => [] as string[]);
  for (const runId of runIds) {
    for (const pid of await processesOfRun(runId)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** The pid of the ControlMaster for the test host, from `ssh -O check`. */
export async function masterPid(training: TrainingHost): Promise<number | undefined> {
  const output = await runProcess('sh', [
    '-c',
    'ssh "$@" 2>&1 || true',
    'sh',
    ...training.runner.sshOptions(training.sshd.alias),
    '-O',
    'check',
    training.sshd.alias,
  ]);
  const match = /pid=(\d+)/.exec(output);
  return match ? Number(match[1]) : undefined;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A launch of the stand-in trainer into <checkout>/model_ckpt/<outputName> on two GPUs, offline. */
export async function launchRequest(
  training: TrainingHost,
  outputName: string,
  extra: Partial<LaunchRequest> = {},
): Promise<LaunchRequest> {
  const { tree } = training;
  return {
    workdir: tree.checkout,
    configSource: tree.configFile,
    configText: await readFile(tree.configFile, 'utf8'),
    outputDir: path.join(tree.checkout, 'model_ckpt', outputName),
    gpus: [0, 1],
    // A port the kernel just gave out: two test files launching at once never pick the same one.
    mainProcessPort: await freePort(),
    mixedPrecision: 'fp16',
    wandb: { mode: 'offline' },
    detach: 'setsid',
    envSetup: tree.envSetup,
    git: null,
    ...extra,
  };
}
