// Training over SSH against the real sshd on 127.0.0.1 (stand-in GPU host): how long the preflight, a launch, a
// runs listing and a log read take, and how fast a large log is parsed. Prints median and max of several tries.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runPreflight } from '../src/core/training/preflight';
import { launchRun } from '../src/core/training/launch';
import { LogParser } from '../src/core/training/logParser';
import { startTrainingHost } from '../test/support/trainingHost';

const TRIES = 5;

async function time(label: string, work: () => Promise<unknown>, tries = TRIES): Promise<void> {
  const figures: number[] = [];
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    await work();
    figures.push(performance.now() - start);
  }
  figures.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} median ${figures[Math.floor(figures.length / 2)].toFixed(0).padStart(6)} ms   max ${figures[figures.length - 1].toFixed(0).padStart(6)} ms   (${tries} tries)`,
  );
}

async function main(): Promise<void> {
  const training = await startTrainingHost({
    gpus: 8,
    steps: 100_000,
    checkpointSteps: 10_000,
    validationSteps: 25_000,
    stepSeconds: 0.2,
  });
  const { registry, tree } = training;
  try {
    await registry.list(); // opens the master connection and copies the kit
    await time('exec round trip over the master (true)', () => training.host.exec(['true']), 10);
    await time('preflight, 15 checks', () =>
      runPreflight({
        registry,
        workdir: tree.checkout,
        config: { kind: 'host', path: 'config_flexiv.py' },
        gpus: [0, 1],
        mainProcessPort: 29555,
        wandb: 'offline',
        detach: 'setsid',
        envSetup: tree.envSetup,
        environment: { checkpointSizeGb: 0.001 },
      }),
    );
    const configText = await readFile(tree.configFile, 'utf8');
    let n = 0;
    const runIds: string[] = [];
    await time('launch, until pid and pgid are recorded', async () => {
      const launched = await launchRun(registry, {
        workdir: tree.checkout,
        configSource: tree.configFile,
        configText,
        outputDir: path.join(tree.checkout, 'model_ckpt', `bench-${n++}`),
        gpus: [n % 8],
        mainProcessPort: 29600 + n,
        wandb: { mode: 'offline' },
        detach: 'setsid',
        envSetup: tree.envSetup,
        git: null,
      });
      runIds.push(launched.runId);
    });
    await time(`runs listing with ${runIds.length} runs (state + log tails)`, () => registry.list(), 10);
    const [first] = await registry.list();
    await time('log read by byte offset (1 MiB max)', () => registry.readLog(first.record, 0), 10);
    for (const runId of runIds) await registry.stop(runId, 5);

    const log = await readFile(
      path.join(__dirname, '..', 'test', 'fixtures', 'gpu-host', 'reference', 'accelerate-tqdm-log.txt'),
      'utf8',
    );
    const big = log.repeat(Math.ceil((64 << 20) / log.length));
    const start = performance.now();
    const parser = new LogParser();
    for (let i = 0; i < big.length; i += 1 << 16) parser.push(big.slice(i, i + (1 << 16)));
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `${'log parser throughput (64 MiB, 64 KiB chunks)'.padEnd(44)} ${(big.length / 2 ** 20 / seconds).toFixed(0)} MiB/s`,
    );
  } finally {
    await training.stop();
  }
}

void main();
