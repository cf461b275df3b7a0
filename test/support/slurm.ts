// A real single-machine SLURM cluster for tests: munged, slurmctld and two slurmd (nodes n1 and n2, each with two
// count-only "GPUs") on 127.0.0.1, all in a temporary folder, so a job can span two nodes without a second machine.
// The slurmd run in their own mount namespace, where one folder is an empty tmpfs: a disk the nodes do not share.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { runProcess, tempDir } from './fixtures';
import { freePort } from './sshd';

export interface TestSlurmCluster {
  /** Point SLURM_CONF here (and in the test sshd's environment) so sbatch, squeue… reach this cluster. */
  readonly confFile: string;
  readonly partition: string;
  readonly nodes: readonly string[];
  readonly gpusPerNode: number;
  readonly dir: string;
  /** A folder the login node (the test sshd) sees and the compute nodes do not: empty in slurmd's mount namespace. */
  readonly loginOnlyDir: string;
  /** Runs a SLURM client (squeue, scontrol…) against this cluster on this machine. */
  client(program: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export const TEST_PARTITION = 'debug';
const NODES = ['n1', 'n2'];
const GPUS_PER_NODE = 2;

export async function startSlurmCluster(): Promise<TestSlurmCluster> {
  const { dir, cleanup } = await tempDir('cwf-slurm-');
  const mungeDir = path.join(dir, 'munge');
  // munged refuses a socket folder others cannot traverse, and a key anyone but its owner can read.
  await mkdir(mungeDir, { mode: 0o755 });
  const mungeKey = path.join(mungeDir, 'munge.key');
  await writeFile(mungeKey, randomBytes(1024), { mode: 0o400 });
  const mungeSocket = path.join(mungeDir, 'munge.socket');
  const loginOnlyDir = path.join(dir, 'login-only');
  for (const folder of ['state', 'log', 'dev', 'login-only', ...NODES.map((node) => `spool/${node}`)])
    await mkdir(path.join(dir, folder), { recursive: true });
  // gres/gpu drops a GPU without File=; plain files stand in for /dev/nvidia* (slurmd logs that they are not
  // devices but counts them, and with task/none nothing opens them).
  for (let index = 0; index < GPUS_PER_NODE; index++) await writeFile(path.join(dir, 'dev', `gpu${index}`), '');

  const env = { ...process.env, SLURM_CONF: path.join(dir, 'slurm.conf') };
  const daemons: ChildProcess[] = [];
  const stopAll = async () => {
    for (const daemon of daemons.reverse()) await stopDaemon(daemon);
    await cleanup();
  };
  try {
    daemons.push(
      await startDaemon(
        'munged',
        ['--foreground', '--force', `--key-file=${mungeKey}`, `--socket=${mungeSocket}`]
          .concat([`--pid-file=${mungeDir}/munged.pid`, `--log-file=${mungeDir}/munged.log`])
          .concat([`--seed-file=${mungeDir}/munged.seed`]),
        env,
      ),
    );
    await waitUntil('munged', async () => (await fileExists(mungeSocket)) || undefined);
    const ports = { controller: await freePort(), nodes: await Promise.all(NODES.map(() => freePort())) };
    await writeFile(env.SLURM_CONF, slurmConf(dir, mungeSocket, ports));
    await writeFile(path.join(dir, 'gres.conf'), `Name=gpu File=${dir}/dev/gpu[0-${GPUS_PER_NODE - 1}]\n`);
    // -i: a fresh state folder has no saved state to recover; -D: in the foreground, so this process owns them.
    daemons.push(await startDaemon('slurmctld', ['-D', '-i'], env));
    // unshare execs slurmd (same pid) in a new mount namespace, which its jobs inherit; the tmpfs is only there.
    for (const node of NODES) {
      const slurmd = await startDaemon(
        'unshare',
        ['--mount', '--propagation', 'private', 'slurmd', '-D', '-N', node],
        env,
      );
      daemons.push(slurmd);
      // Until unshare has made the namespace, the pid is still in ours: mounting then would hide the folder here too.
      await waitUntil(
        `slurmd ${node} in its own mount namespace`,
        async () =>
          (await readlink(`/proc/${slurmd.pid}/ns/mnt`)) !== (await readlink('/proc/self/ns/mnt')) || undefined,
      );
      await runProcess('nsenter', [`--target=${slurmd.pid}`, '--mount', 'mount', '-t', 'tmpfs', 'tmpfs', loginOnlyDir]);
    }
    const client = (program: string, args: string[]) => runWithEnv(program, args, env);
    await waitUntil(
      'both slurmd idle in sinfo',
      async () => {
        const states = await client('sinfo', ['-h', '-N', '-o', '%N %t']).catch(() => '');
        return (
          states
            .trim()
            .split('\n')
            .filter((line) => / idle$/.test(line)).length === NODES.length || undefined
        );
      },
      () => readFile(path.join(dir, 'log', 'slurmctld.log'), 'utf8').catch(() => ''),
    );
    return {
      confFile: env.SLURM_CONF,
      partition: TEST_PARTITION,
      nodes: NODES,
      gpusPerNode: GPUS_PER_NODE,
      dir,
      loginOnlyDir,
      client,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function slurmConf(dir: string, mungeSocket: string, ports: { controller: number; nodes: number[] }): string {
  const nodeLines = NODES.map(
    (node, index) =>
      `NodeName=${node} NodeHostname=localhost NodeAddr=127.0.0.1 Port=${ports.nodes[index]} ` +
      `CPUs=2 RealMemory=1000 Gres=gpu:${GPUS_PER_NODE} State=UNKNOWN`,
  );
  return [
    'ClusterName=cwftest',
    'SlurmctldHost=localhost(127.0.0.1)',
    `SlurmctldPort=${ports.controller}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${mungeSocket}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool/%n`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd-%n.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd-%n.log`,
    // No cgroups: a container may not offer them, and two slurmd on one machine could not share them anyway.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'GresTypes=gpu',
    'MpiDefault=none',
    'ReturnToService=2',
    // No slurmdbd: sacct has nothing to read, so states come from squeue and scontrol as on many small clusters.
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    // Schedule every second and kill at the limit without grace, so the tests' jobs start and end promptly.
    'SchedulerParameters=sched_interval=1',
    'KillWait=2',
    'OverTimeLimit=0',
    'InactiveLimit=0',
    'MinJobAge=300',
    ...nodeLines,
    `PartitionName=${TEST_PARTITION} Nodes=${NODES.join(',')} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES`,
    '',
  ].join('\n');
}

async function startDaemon(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', resolve);
  });
  child.once('exit', (code) => {
    if (code) process.stderr.write(`${program} exited with ${code}: ${stderr}\n`);
  });
  return child;
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killed);
}

function runWithEnv(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return runProcess('env', [`SLURM_CONF=${env.SLURM_CONF}`, program, ...args]);
}

async function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function waitUntil(what: string, probe: () => Promise<true | undefined>, log?: () => Promise<string>) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`SLURM test cluster: timed out waiting for ${what}\n${log ? await log() : ''}`);
}
