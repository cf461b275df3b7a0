// One host as the rest of the code sees it: the runner bound to a target, with the remote home resolved once.
import { CommandRunner, hostLabel, type ExecOptions, type ExecResult, type HostTarget } from './runner';
import { UserFacingError } from '../errors';
import * as os from 'node:os';

export class RemoteHost {
  private homePromise?: Promise<string>;

  constructor(readonly runner: CommandRunner, readonly target: HostTarget) {}

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

  /** The remote $HOME, asked once: paths given as ~/... are expanded here, as quoted arguments never expand ~. */
  home(signal?: AbortSignal): Promise<string> {
    if (this.target.kind === 'local') return Promise.resolve(os.homedir());
    this.homePromise ??= this.exec(['sh', '-c', 'printf %s "$HOME"'], { signal, timeoutMs: 30_000 }).then((result) => {
      if (result.code !== 0 || !result.stdout.startsWith('/')) {
        throw new UserFacingError(`Could not read the home folder on ${this.label}.`, 'Check that the login shell works: run "ssh ' + this.label + ' true".', 'no-home');
      }
      return result.stdout;
    });
    this.homePromise.catch(() => { this.homePromise = undefined; });
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
