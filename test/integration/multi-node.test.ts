// A multi-node run over two SSH connections to the real sshd: machine ranks 0 and 1 on 127.0.0.1, each started by
// the launch code through its own connection, rendezvous and a real gloo all-reduce; killing machine 1 fails the run
// and the watcher stops machine 0. Also the multi-node preflight against two stand-in GPU hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CommandRunner, sshHost } from '../../src/core/remote/runner';
import { RemoteHost } from '../../src/core/remote/remoteHost';
import { RunRegistry } from '../../src/core/training/registry';
import { launchMultiNode, watchMultiNode, type MachineRun } from '../../src/core/training/multiNode';
import { runMultiNodePreflight } from '../../src/core/training/multiNodePreflight';
import { SYSTEM_PYTHON, tempDir } from '../support/fixtures';
import { freePort, startSshd } from '../support/sshd';
import { assertNoProcessLeft, processesOfRun, startTrainingHost, waitFor } from '../support/trainingHost';

/**
 * A Ctrl-World-shaped trainer that really trains data-parallel on the CPU: it reads its config module as
 * train_wm.py does, joins the process group the launcher set up (gloo), all-reduces rank + 1 and writes what it got
 * into the run's output folder; then it "trains" on without collectives, so only the extension can notice that the
 * other machine is gone.
 */
const TRAINER = `
import json, os, time
import torch
import torch.distributed as dist
from config import wm_args

dist.init_process_group("gloo")
rank = dist.get_rank()
value = torch.tensor([float(rank + 1)])
dist.all_reduce(value)
report = {"rank": rank, "world_size": dist.get_world_size(), "sum": value.item(),
          "master_addr": os.environ["MASTER_ADDR"], "machine": os.environ.get("GROUP_RANK")}
os.makedirs(wm_args.output_dir, exist_ok=True)
with open(os.path.join(wm_args.output_dir, "allreduce-rank-%d.json" % rank), "w") as handle:
    json.dump(report, handle)
print("all_reduce on rank %d: %s" % (rank, value.item()), flush=True)
while True:
    time.sleep(1)
`;

/**
 * accelerate's multi-machine launch is torch.distributed.run with the same meaning of flags; where accelerate is not
 * installed (Debian packages torch but not accelerate) this stand-in maps the plan's flags onto torch.distributed.run
 * one to one and runs it. Debian's torch 1.13 on Python 3.11 cannot read its own default "--redirects 0" (Python
 * 3.11 no longer lists the zero member of an IntFlag), which the stand-in reads for it.
 */
const ACCELERATE_VIA_TORCH_RUN = `#!${SYSTEM_PYTHON}
import sys
from torch.distributed.elastic.multiprocessing.api import Std
from_str = Std.from_str
Std.from_str = staticmethod(lambda value: Std.NONE if value == "0" else from_str(value))
from torch.distributed import run

RENAMED = {"--num_machines": "--nnodes", "--machine_rank": "--node_rank", "--main_process_ip": "--master_addr",
           "--main_process_port": "--master_port"}
DROPPED = {"--mixed_precision", "--dynamo_backend"}
args, options = sys.argv[2:], {}
while args[0].startswith("--"):
    name = args.pop(0)
    if name == "--multi_gpu":
        continue
    options[name] = args.pop(0)
machines = int(options["--num_machines"])
flags = ["--nproc_per_node", str(int(options.pop("--num_processes")) // machines)]
for name, value in options.items():
    if name not in DROPPED:
        flags += [RENAMED[name], value]
run.main(flags + args)
`;

function realAccelerate(): boolean {
  return (
    spawnSync('sh', ['-c', 'command -v accelerate']).status === 0 &&
    spawnSync(SYSTEM_PYTHON, ['-c', 'import accelerate']).status === 0
  );
}

test('two machine ranks over two SSH connections all-reduce; killing machine 1 fails the run and stops machine 0', async () => {
  const work = await tempDir('cwf-multinode-');
  const bin = path.join(work.dir, 'bin');
  const checkout = path.join(work.dir, 'Ctrl-World');
  await mkdir(bin);
  await mkdir(path.join(checkout, 'scripts'), { recursive: true });
  await writeFile(path.join(checkout, 'scripts', 'train_wm.py'), TRAINER);
  const configText = 'class wm_args:\n    output_dir = "model_ckpt/ddp"\n    mixed_precision = "no"\n';
  await writeFile(path.join(checkout, 'config_flexiv.py'), configText);
  // The real accelerate where this machine has it, else torch.distributed.run behind the same flags.
  if (!realAccelerate()) {
    await writeFile(path.join(bin, 'accelerate'), ACCELERATE_VIA_TORCH_RUN);
    await chmod(path.join(bin, 'accelerate'), 0o755);
  }
  // gloo would otherwise pick the address the machine's name resolves to, which a container may not route.
  const sshd = await startSshd({ pathPrefix: [bin], env: { GLOO_SOCKET_IFNAME: 'lo' } });
  const hosts: RemoteHost[] = [];
  try {
    const registryRoot = path.join(work.dir, 'registry');
    const machines = await Promise.all(
      [0, 1].map(async (rank) => {
        const controlDir = path.join(sshd.dir, `control-${rank}`);
        await mkdir(controlDir, { mode: 0o700 });
        // One connection per machine: its own runner and ControlMaster, as two hosts would have.
        const host = new RemoteHost(
          new CommandRunner({ sshConfigFile: sshd.configFile, controlDir }),
          sshHost(sshd.alias),
        );
        hosts.push(host);
        return { host: `${sshd.alias}#${rank}`, registry: new RunRegistry(host, registryRoot) };
      }),
    );
    const outputDir = path.join(checkout, 'model_ckpt', 'ddp');
    const started = Date.now();
    const launched = await launchMultiNode(machines, '127.0.0.1', {
      workdir: checkout,
      configSource: path.join(checkout, 'config_flexiv.py'),
      configText,
      outputDir,
      gpus: [0],
      mainProcessPort: await freePort(),
      wandb: { mode: 'offline' },
      detach: 'setsid',
      git: null,
    });
    const runs: MachineRun[] = launched.machines.map((machine, rank) => ({ ...machine, ...machines[rank], rank }));
    assert.deepEqual(
      launched.machines.map((machine) => machine.runId),
      [launched.runId, `${launched.runId}-m1`],
    );
    const [main] = await machines[0].registry.list();
    assert.equal(main.record.runId, launched.runId, 'the Runs view lists one run: the main machine part');
    assert.equal((await machines[0].registry.list()).length, 1);
    assert.deepEqual(
      main.record.multiNode?.machines.map((machine) => machine.host),
      machines.map((machine) => machine.host),
    );
    assert.deepEqual(main.record.command.slice(2, 10), [
      '--num_machines',
      '2',
      '--machine_rank',
      '0',
      '--main_process_ip',
      '127.0.0.1',
      '--main_process_port',
      String(main.record.mainProcessPort),
    ]);

    const reports = await waitFor(
      'both ranks to all-reduce',
      async () => {
        const texts = await Promise.all(
          [0, 1].map((rank) => readFile(path.join(outputDir, `allreduce-rank-${rank}.json`), 'utf8').catch(() => '')),
        );
        return texts.every(Boolean) ? texts.map((text) => JSON.parse(text)) : undefined;
      },
      45_000,
    );
    const reduced = Date.now();
    assert.deepEqual(
      reports.map(({ rank, world_size, sum, master_addr, machine }) => ({
        rank,
        world_size,
        sum,
        master_addr,
        machine,
      })),
      [0, 1].map((rank) => ({ rank, world_size: 2, sum: 3, master_addr: '127.0.0.1', machine: String(rank) })),
    );

    const watching = watchMultiNode(runs, { intervalMs: 300, graceSeconds: 5 });
    for (const pid of await processesOfRun(runs[1].runId)) process.kill(pid, 'SIGKILL');
    const end = await watching;
    assert.equal(end.endedBy?.rank, 1);
    assert.deepEqual(end.states, ['failed', 'failed']);
    const record = (await machines[0].registry.get(launched.runId)).record;
    assert.equal(record.state, 'failed');
    assert.match(record.failure ?? '', /^Machine 1 \(.*#1\) failed: /);
    await assertNoProcessLeft(runs[0].runId, 'nothing of machine 0 is left');
    await assertNoProcessLeft(runs[1].runId, 'nothing of machine 1 is left');
    console.log(
      `multi-node: launch to all-reduce ${reduced - started} ms, kill to both ended ${Date.now() - reduced} ms ` +
        `(${realAccelerate() ? 'accelerate' : 'torch.distributed.run'})`,
    );
  } finally {
    for (const host of hosts) await host.disconnect();
    await sshd.stop();
    await work.cleanup();
  }
});

test('the multi-node preflight checks both hosts and the rendezvous port between them', async () => {
  const [first, second] = await Promise.all([startTrainingHost(), startTrainingHost()]);
  try {
    const seen: string[] = [];
    const result = await runMultiNodePreflight({
      machines: [first, second].map((training, rank) => ({ host: `host-${rank}`, registry: training.registry })),
      mainAddress: '127.0.0.1',
      // Both stand-in hosts serve this machine's filesystem: the same checkout path on each, as on real hosts.
      workdir: first.tree.checkout,
      config: { kind: 'host', path: 'config_flexiv.py' },
      gpus: [0, 1],
      mainProcessPort: await freePort(),
      wandb: 'offline',
      detach: 'setsid',
      envSetup: first.tree.envSetup,
      environment: { checkpointSizeGb: 0.001 },
      onCheck: (item) => seen.push(item.id),
    });
    assert.deepEqual(
      result.checks.filter((item) => !item.ok),
      [],
    );
    assert.ok(result.ok);
    const gpus = result.checks.find((item) => item.id === 'gpus')!;
    assert.match(gpus.message, /^host-0: .* \| host-1: /);
    assert.deepEqual(
      result.checks.slice(-2).map((item) => item.id),
      ['same-checkout', 'main-reachable'],
    );
    assert.match(result.checks.at(-1)!.message, /^host-1 reached 127\.0\.0\.1:\d+ on host-0\.$/);
    assert.equal(result.contexts.length, 2);
    assert.ok(seen.includes('main-reachable'));
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
});
