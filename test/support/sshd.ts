// A real OpenSSH server on 127.0.0.1 with its own host and user keys, standing in for the GPU host.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess, tempDir } from './fixtures';

export interface TestSshHost {
  /** The Host alias in `configFile` that logs in with a known host key. */
  readonly alias: string;
  /** A second alias whose known_hosts is empty: host-key checking must refuse it. */
  readonly unknownKeyAlias: string;
  readonly configFile: string;
  readonly port: number;
  /** A scratch folder for the test: the remote side sees the same filesystem. */
  readonly dir: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Folders put first on the remote PATH (fake nvidia-smi, accelerate...). */
  readonly pathPrefix?: string[];
  /** More variables for every remote command (e.g. SLURM_CONF pointing at a test cluster). */
  readonly env?: Readonly<Record<string, string>>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`sshd exited with ${child.exitCode}: ${log()}`));
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshHost> {
  const { dir, cleanup } = await tempDir('cwf-sshd-');
  const keys = path.join(dir, 'keys');
  await mkdir(keys);
  await mkdir('/run/sshd', { recursive: true });
  await runProcess('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, 'host_ed25519')]);
  await runProcess('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, 'user_ed25519')]);
  await writeFile(path.join(keys, 'authorized_keys'), await readFile(path.join(keys, 'user_ed25519.pub')));
  const hostKey = (await readFile(path.join(keys, 'host_ed25519.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const port = await freePort();
  const remotePath = [...(options.pathPrefix ?? []), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  const remoteEnv = [
    `PATH=${remotePath}`,
    // Debian's bash reads ~/.bashrc for a command from sshd when it is the top-level shell (SHLVL < 2). This
    // machine's ~/.bashrc is no part of the stand-in host (here it runs `pyenv init`, 0.2–3 s per command, and puts
    // pyenv's python3 first): starting at level 2 keeps it out, as a bashrc that returns when not interactive does.
    'SHLVL=1',
    ...Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`),
  ];
  const sshdConfig = path.join(dir, 'sshd_config');
  await writeFile(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(keys, 'host_ed25519')}`,
      `AuthorizedKeysFile ${path.join(keys, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 50',
      'MaxStartups 50',
      `SetEnv ${remoteEnv.join(' ')}`,
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const knownHosts = path.join(keys, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  await writeFile(path.join(keys, 'empty_known_hosts'), '');
  const user = os.userInfo().username;
  const hostBlock = (alias: string, known: string) =>
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${path.join(keys, 'user_ed25519')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${known}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n');
  const configFile = path.join(dir, 'ssh_config');
  await writeFile(
    configFile,
    hostBlock('flexiv-gpu', knownHosts) + hostBlock('flexiv-unknown-key', path.join(keys, 'empty_known_hosts')),
  );
  await chmod(configFile, 0o600);

  let stderr = '';
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(port, child, () => stderr);
  return {
    alias: 'flexiv-gpu',
    unknownKeyAlias: 'flexiv-unknown-key',
    configFile,
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await cleanup();
    },
  };
}
