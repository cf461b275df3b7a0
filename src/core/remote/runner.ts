// The only code that starts ssh (or, for "this machine", a local shell): every remote command goes through here.
import { spawn, type ChildProcess } from 'node:child_process';
import { CancelledError, UserFacingError } from '../errors';
import { shellCommand } from './quote';

/** Where a command runs: a host from OpenSSH's point of view, or the machine VS Code itself runs on. */
export type HostTarget = { readonly kind: 'ssh'; readonly host: string } | { readonly kind: 'local' };

export const LOCAL_HOST: HostTarget = { kind: 'local' };

export function sshHost(host: string): HostTarget {
  return { kind: 'ssh', host };
}

export function hostLabel(target: HostTarget): string {
  return target.kind === 'local' ? 'this machine' : target.host;
}

export interface RunnerOptions {
  /** Passed to `ssh -F`; undefined leaves OpenSSH's own default. */
  readonly sshConfigFile?: string;
  /** A private folder for ControlMaster sockets: one multiplexed connection per host. */
  readonly controlDir: string;
  readonly connectTimeoutSeconds?: number;
  /** How long an idle master connection stays up after the last command. */
  readonly controlPersistSeconds?: number;
}

export interface ExecOptions {
  readonly signal?: AbortSignal;
  /** Bytes written to the command's stdin, which is then closed. */
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for callers that count byte offsets or decode across chunks themselves. */
  readonly stdoutBytes: Buffer;
}

export class SshError extends UserFacingError {
  constructor(
    message: string,
    hint: string,
    code: string,
    readonly host: string,
  ) {
    super(message, hint, code);
  }
}

/** ssh exits 255 for its own failures; the remote command's status otherwise. */
const SSH_FAILURE_EXIT = 255;

export class CommandRunner {
  constructor(private readonly options: RunnerOptions) {}

  /** The argv that runs `args` on `target`: ssh with the quoted command, or sh locally. */
  argv(target: HostTarget, args: readonly string[]): string[] {
    const command = shellCommand(args);
    if (target.kind === 'local') return ['/bin/sh', '-c', command];
    return ['ssh', ...this.sshOptions(target.host), target.host, command];
  }

  sshOptions(host: string): string[] {
    if (host.startsWith('-'))
      throw new SshError(
        `"${host}" is not a valid SSH host.`,
        'Use a Host alias from your SSH config or user@hostname.',
        'bad-host',
        host,
      );
    const options = this.options;
    const args: string[] = [];
    if (options.sshConfigFile) args.push('-F', options.sshConfigFile);
    args.push(
      '-o',
      'BatchMode=yes', // never hang on a password or host-key prompt nobody can answer
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${options.controlDir}/%C`,
      '-o',
      `ControlPersist=${options.controlPersistSeconds ?? 600}`,
      '-o',
      `ConnectTimeout=${options.connectTimeoutSeconds ?? 10}`,
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=3',
    );
    return args;
  }

  /** Closes the multiplexed master connection to a host, if one is up (a later command opens a new one). */
  async disconnect(target: HostTarget): Promise<void> {
    if (target.kind === 'local') return;
    await new Promise<void>((resolve) => {
      const child = spawn('ssh', [...this.sshOptions(target.host), '-O', 'exit', target.host], { stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('exit', () => resolve());
    });
  }

  /** Starts a command with streamed output; the caller owns the process. */
  spawn(target: HostTarget, args: readonly string[], signal?: AbortSignal): ChildProcess {
    const [program, ...rest] = this.argv(target, args);
    return spawn(program, rest, { stdio: ['pipe', 'pipe', 'pipe'], signal });
  }

  /**
   * Runs a command to completion. A non-zero remote exit is a result, not an error; ssh's own failures throw SshError.
   */
  exec(target: HostTarget, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new CancelledError());
      const child = this.spawn(target, args);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      let timedOut = false;
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs)
        : undefined;
      const onAbort = () => child.kill('SIGTERM');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(
          new UserFacingError(
            `Could not start ${child.spawnfile}: ${error.message}.`,
            'Check that OpenSSH is installed and on PATH.',
            'spawn-failed',
          ),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const stdoutBytes = Buffer.concat(stdout);
        const result = {
          code: code ?? -1,
          stdout: stdoutBytes.toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          stdoutBytes,
        };
        if (options.signal?.aborted) return reject(new CancelledError());
        if (timedOut)
          return reject(
            new SshError(
              `${hostLabel(target)} did not answer within ${Math.round(options.timeoutMs! / 1000)} s.`,
              'Check the network and that the host is up, then try again.',
              'timeout',
              hostLabel(target),
            ),
          );
        if (target.kind === 'ssh' && result.code === SSH_FAILURE_EXIT)
          return reject(classifySshFailure(target.host, result.stderr));
        resolve(result);
      });
      // A command may exit without reading its input (the kit launcher's "not installed" exit 97 does): the closed
      // pipe is then no error of its own, the exit status says what happened.
      child.stdin?.on('error', () => undefined);
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }
}

/** Turns ssh's own stderr into a message that names the host and the fix. */
export function classifySshFailure(host: string, stderr: string): SshError {
  const text = stderr.trim();
  const rules: Array<[RegExp, string, string, string]> = [
    [
      /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i,
      'host-key',
      `The host key of ${host} is not known or has changed.`,
      `Host-key checking stays on: run "ssh ${host}" once in a terminal, check the fingerprint and accept it, then try again.`,
    ],
    [
      /Could not resolve hostname/i,
      'unresolved',
      `The host name ${host} could not be resolved.`,
      'Check the Host entry in your SSH config or the host name.',
    ],
    [
      /Permission denied/i,
      'auth',
      `${host} refused the login.`,
      'Check that your key is loaded (ssh-add -l) and accepted by the host.',
    ],
    [
      /Connection refused/i,
      'refused',
      `${host} refused the connection.`,
      'Check that sshd runs on the host and the port is right.',
    ],
    [
      /timed out|Network is unreachable|No route to host/i,
      'unreachable',
      `${host} is unreachable.`,
      'Check the network, VPN or ProxyJump settings, then try again.',
    ],
    [
      /Connection closed|Connection reset|Broken pipe|closed by remote host/i,
      'dropped',
      `The connection to ${host} dropped.`,
      'It is retried automatically; check the network if this persists.',
    ],
  ];
  for (const [pattern, code, message, hint] of rules) {
    if (pattern.test(text)) return new SshError(message, hint, code, host);
  }
  const detail = text.split('\n').filter(Boolean).pop() ?? 'no message';
  return new SshError(
    `SSH to ${host} failed: ${detail}.`,
    'Try "ssh ' + host + '" in a terminal to see the full error.',
    'ssh-failed',
    host,
  );
}
