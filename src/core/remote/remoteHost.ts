// One host as the rest of the code sees it: the runner bound to a target, with the remote home resolved once and
// the command that sets up its training environment.
import { CommandRunner, hostLabel, type ExecOptions, type ExecResult, type HostTarget } from './runner';
import { UserFacingError } from '../errors';
import * as os from 'node:os';

/** The wrapper's exit status when the environment setup itself failed (the kit launcher uses the same). */
export const ENV_SETUP_FAILED = 96;
/**
 * Runs the user's environment setup (its text follows) in any POSIX sh as a bash user wrote it: `source` works where
 * /bin/sh is dash (it has only `.`), and `command eval` keeps a failing `.` (a missing activate script) from ending
 * the shell before `||` sees it. remote-kit/supervise.sh does the same for training.
 */
export const RUN_ENV_SETUP = 'source() { . "$@"; }; command eval';
const IN_ENVIRONMENT = `${RUN_ENV_SETUP} "$1" >&2 || exit ${ENV_SETUP_FAILED}; shift; exec "$@"`;

export class RemoteHost {
  private homePromise?: Promise<string>;

  /**
   * `envSetup` is the shell command that makes the host's training tools reachable (activating a conda
   * environment, `module load`): a non-interactive shell has only the PATH of its login, not of the user's terminal.
   */
  constructor(
    readonly runner: CommandRunner,
    readonly target: HostTarget,
    readonly envSetup = '',
  ) {}

  get label(): string {
    return hostLabel(this.target);
  }

  /** A stable key for remembering things per host ("local" for this machine). */
  get key(): string {
    return this.target.kind === 'local' ? 'local' : this.target.host;
  }

  exec(args: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.runner.exec(this.target, args, options);
  }

  /**
   * Runs a command after the environment setup, for commands of the training tools (nvidia-smi) that the setup may be
   * what puts on the PATH. The setup's own output goes to stderr, so the command's stdout stays its own.
   */
  async execInEnvironment(args: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    if (!this.envSetup) return this.exec(args, options);
    const result = await this.exec(['sh', '-c', IN_ENVIRONMENT, 'sh', this.envSetup, ...args], options);
    if (result.code === ENV_SETUP_FAILED) {
      const detail = result.stderr.trim().split('\n').pop() ?? '';
      throw new UserFacingError(
        `The environment setup command failed on ${this.label}: ${detail}`,
        'Fix the ctrlWorld.remote.envSetup setting (e.g. "source ~/miniconda3/bin/activate ctrl-world").',
        'env-setup',
      );
    }
    return result;
  }

  /** The remote $HOME, asked once: paths given as ~/... are expanded here, as quoted arguments never expand ~. */
  home(signal?: AbortSignal): Promise<string> {
    if (this.target.kind === 'local') return Promise.resolve(os.homedir());
    this.homePromise ??= this.exec(['sh', '-c', 'printf %s "$HOME"'], { signal, timeoutMs: 30_000 }).then((result) => {
      if (result.code !== 0 || !result.stdout.startsWith('/')) {
        throw new UserFacingError(
          `Could not read the home folder on ${this.label}.`,
          'Check that the login shell works: run "ssh ' + this.label + ' true".',
          'no-home',
        );
      }
      return result.stdout;
    });
    this.homePromise.catch(() => {
      this.homePromise = undefined;
    });
    return this.homePromise;
  }

  /** An absolute remote path: ~ and ~/x expand to the home, relative paths resolve against `base` (or the home). */
  async resolve(pathOnHost: string, base?: string, signal?: AbortSignal): Promise<string> {
    const home = await this.home(signal);
    return resolveRemotePath(pathOnHost, home, base);
  }

  disconnect(): Promise<void> {
    return this.runner.disconnect(this.target);
  }
}

/** POSIX path resolution without touching the local filesystem. */
export function resolveRemotePath(pathOnHost: string, home: string, base?: string): string {
  let value = pathOnHost.trim();
  if (value === '~') value = home;
  else if (value.startsWith('~/')) value = `${home}/${value.slice(2)}`;
  else if (!value.startsWith('/')) value = `${base ? resolveRemotePath(base, home) : home}/${value}`;
  const parts: string[] = [];
  for (const part of value.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
