// The training subcommands: preflight, train start, runs, train stop, train logs (JSON keys are a contract).
import { ensurePrivateDir, defaultControlDir } from '../core/remote/controlDir';
import { CommandRunner, LOCAL_HOST, sshHost } from '../core/remote/runner';
import { RemoteHost } from '../core/remote/remoteHost';
import { DEFAULT_REGISTRY_ROOT, RunRegistry } from '../core/training/registry';
import { launchBasics, runPreflight, type PreflightInput, type PreflightResult } from '../core/training/preflight';
import { launchedAs, launchRun } from '../core/training/launch';
import { age, runsJson } from '../core/training/runRecord';
import { RunFollower } from '../core/training/follow';
import { ProgressLines } from '../core/training/progressLines';
import {
  printJson,
  requirePositional,
  stringOption,
  UsageError,
  type CliCommand,
  type CliIo,
  type ParsedArgs,
} from './framework';

const HOST_OPTIONS = {
  host: { type: 'string' },
  'ssh-config': { type: 'string' },
  registry: { type: 'string' },
} as const;

const LAUNCH_OPTIONS = {
  ...HOST_OPTIONS,
  repo: { type: 'string' },
  config: { type: 'string' },
  gpus: { type: 'string' },
  port: { type: 'string' },
  'env-setup': { type: 'string' },
  detach: { type: 'string' },
  offline: { type: 'boolean' },
  'checkpoint-size-gb': { type: 'string' },
} as const;

const HOST_HELP =
  '--host H is an SSH host (a Host alias or user@host) or "local" for this machine; --ssh-config FILE is passed to ssh -F; --registry DIR moves the run registry (default ~/.ctrl-world-flexiv).';

async function registryFrom(args: ParsedArgs): Promise<RunRegistry> {
  const host = stringOption(args, 'host');
  if (!host) throw new UsageError('--host is required');
  const runner = new CommandRunner({
    sshConfigFile: stringOption(args, 'ssh-config'),
    controlDir: await ensurePrivateDir(defaultControlDir()),
    controlPersistSeconds: 120,
  });
  const target = host === 'local' ? LOCAL_HOST : sshHost(host);
  const remote = new RemoteHost(runner, target, stringOption(args, 'env-setup'));
  return new RunRegistry(remote, stringOption(args, 'registry') ?? DEFAULT_REGISTRY_ROOT);
}

function gpuList(args: ParsedArgs): number[] | undefined {
  const text = stringOption(args, 'gpus');
  if (text === undefined) return undefined;
  const gpus = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map(Number);
  if (gpus.length === 0 || gpus.some((gpu) => !Number.isInteger(gpu) || gpu < 0))
    throw new UsageError(`--gpus takes GPU indices like 0,1 (got "${text}")`);
  return gpus;
}

function detachMode(args: ParsedArgs): 'setsid' | 'tmux' {
  const value = stringOption(args, 'detach') ?? 'setsid';
  if (value !== 'setsid' && value !== 'tmux') throw new UsageError('--detach is setsid or tmux');
  return value;
}

function portOption(args: ParsedArgs): number {
  const port = Number(stringOption(args, 'port') ?? 29501);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port takes a TCP port number');
  return port;
}

function preflightInput(args: ParsedArgs, registry: RunRegistry): PreflightInput {
  const repo = stringOption(args, 'repo');
  const config = stringOption(args, 'config');
  if (!repo || !config) throw new UsageError('--repo and --config are required');
  const key = process.env.WANDB_API_KEY?.trim();
  return {
    registry,
    workdir: repo,
    config: { kind: 'host', path: config },
    gpus: gpuList(args),
    outputDir: stringOption(args, 'output'),
    mainProcessPort: portOption(args),
    wandb: args.values.offline ? 'offline' : key ? 'online' : 'no-key',
    detach: detachMode(args),
    envSetup: stringOption(args, 'env-setup'),
    environment: { checkpointSizeGb: checkpointSize(args) },
  };
}

function checkpointSize(args: ParsedArgs): number | undefined {
  const text = stringOption(args, 'checkpoint-size-gb');
  if (text === undefined) return undefined;
  const size = Number(text);
  if (!Number.isFinite(size) || size <= 0) throw new UsageError('--checkpoint-size-gb takes a size in GB, e.g. 8');
  return size;
}

function printChecks(io: CliIo, result: PreflightResult): void {
  for (const item of result.checks) io.out(`${item.ok ? (item.warning ? '!' : '✓') : '✗'} ${item.id}: ${item.message}`);
}

const preflight: CliCommand = {
  name: 'preflight',
  summary:
    'Checks a GPU host before training: environment, Flexiv fixes, models, data, GPUs, disk, output folder, port, WandB.',
  usage: `preflight --host H --repo DIR --config FILE [--gpus 0,1] [--port P] [--env-setup CMD] [--checkpoint-size-gb N] [--offline] [--json]\n${HOST_HELP}`,
  options: LAUNCH_OPTIONS,
  async run(args, io) {
    const result = await runPreflight(preflightInput(args, await registryFrom(args)));
    if (args.values.json) printJson(io, { checks: result.checks.map(({ id, ok, message }) => ({ id, ok, message })) });
    else printChecks(io, result);
    return result.ok ? 0 : 1;
  },
};

const trainStart: CliCommand = {
  name: 'train start',
  summary:
    'Runs the preflight, then starts training detached on the host (WANDB_API_KEY from this environment, or --offline).',
  usage: `train start --host H --repo DIR --config FILE [--gpus 0,1] [--output DIR] [--port P] [--env-setup CMD] [--detach setsid|tmux] [--checkpoint-size-gb N] [--offline] [--json]\n${HOST_HELP}`,
  options: { ...LAUNCH_OPTIONS, output: { type: 'string' } },
  async run(args, io) {
    const registry = await registryFrom(args);
    const result = await runPreflight(preflightInput(args, registry));
    if (!result.ok || !result.context) {
      if (args.values.json)
        printJson(io, {
          error: 'preflight-failed',
          checks: result.checks.filter((c) => !c.ok).map(({ id, ok, message }) => ({ id, ok, message })),
        });
      else printChecks(io, result);
      return 1;
    }
    const context = result.context;
    const key = process.env.WANDB_API_KEY?.trim();
    const launched = await launchRun(registry, {
      ...launchBasics(context),
      mainProcessPort: portOption(args),
      wandb: !args.values.offline && key ? { mode: 'online', apiKey: key } : { mode: 'offline' },
      detach: detachMode(args),
      envSetup: stringOption(args, 'env-setup'),
    });
    if (args.values.json) printJson(io, { runId: launched.runId, outputDir: launched.outputDir });
    else
      io.out(
        `Started run ${launched.runId} on ${registry.host.label} (${launchedAs(launched)}); checkpoints go to ${launched.outputDir}.`,
      );
    return 0;
  },
};

const runs: CliCommand = {
  name: 'runs',
  summary: 'Lists the training runs on a host, newest first, with their state, step and loss.',
  usage: `runs --host H [--json]\n${HOST_HELP}`,
  options: HOST_OPTIONS,
  async run(args, io) {
    const summaries = await (await registryFrom(args)).list();
    if (args.values.json) {
      printJson(io, runsJson(summaries));
      return 0;
    }
    if (summaries.length === 0) io.out('No runs on this host.');
    for (const row of runsJson(summaries)) {
      const steps = row.totalSteps ? `${row.step}/${row.totalSteps}` : `${row.step}`;
      io.out(
        `${row.runId}  ${row.state.padEnd(8)}  step ${steps}${row.loss !== null ? `  loss ${row.loss}` : ''}  ${age(row.startedAt)}  ${row.outputDir}`,
      );
    }
    return 0;
  },
};

const trainStop: CliCommand = {
  name: 'train stop',
  summary: 'Stops a run: SIGTERM to its process group, SIGKILL after the grace period, then checks nothing is left.',
  usage: `train stop --host H <runId> [--grace SECONDS] [--json]\n${HOST_HELP}`,
  options: { ...HOST_OPTIONS, grace: { type: 'string' } },
  async run(args, io) {
    const runId = requirePositional(args, 0, 'run id');
    const grace = Number(stringOption(args, 'grace') ?? 30);
    if (!Number.isFinite(grace) || grace < 0) throw new UsageError('--grace takes seconds');
    const result = await (await registryFrom(args)).stop(runId, grace);
    if (args.values.json) printJson(io, result);
    else if (result.remaining.length > 0)
      io.err(`Run ${runId} is ${result.state}, but processes ${result.remaining.join(', ')} are still alive.`);
    else
      io.out(
        result.signal
          ? `Run ${runId} stopped (SIG${result.signal}); no process of it is left.`
          : `Run ${runId} had already ended (${result.state}).`,
      );
    return result.remaining.length > 0 ? 1 : 0;
  },
};

const trainLogs: CliCommand = {
  name: 'train logs',
  summary: "Prints a run's log (carriage-return progress collapsed); --follow keeps printing until the run ends.",
  usage: `train logs --host H <runId> [--follow]\n${HOST_HELP}`,
  options: { ...HOST_OPTIONS, follow: { type: 'boolean' } },
  async run(args, io) {
    const runId = requirePositional(args, 0, 'run id');
    const registry = await registryFrom(args);
    const lines = new ProgressLines((line) => io.out(line), args.values.follow ? 5000 : Infinity);
    if (args.values.follow) {
      const follower = new RunFollower(registry, runId, { pollMs: 1000 });
      follower.attach({ onLog: (text) => lines.push(text) });
      const final = await follower.run();
      lines.flush();
      io.out(`Run ${runId} ${final.record.state}.`);
      return final.record.state === 'failed' ? 1 : 0;
    }
    const summary = await registry.get(runId);
    for (let offset = 0; ;) {
      const chunk = await registry.readLog(summary.record, offset);
      if (chunk.bytes.length === 0) break;
      offset = chunk.nextOffset;
      lines.pushBytes(chunk.bytes);
    }
    lines.flush();
    return 0;
  },
};

export const TRAINING_COMMANDS: readonly CliCommand[] = [preflight, trainStart, runs, trainStop, trainLogs];
