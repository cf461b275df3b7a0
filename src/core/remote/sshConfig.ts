// The SSH hosts a user can pick: Host aliases from an OpenSSH config file, following Include like OpenSSH does.
import { readFile, readdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SshConfigHost {
  /** The alias to pass to ssh. */
  readonly alias: string;
  /** HostName (and User@, :Port) when the entry gives them, for the picker's description. */
  readonly detail?: string;
  /** The file that declares it. */
  readonly file: string;
}

/** OpenSSH's own limit on nested Include. */
const MAX_INCLUDE_DEPTH = 16;

/** OpenSSH reads ~/.ssh/config from the passwd home, not $HOME. */
export function defaultSshConfigFile(): string {
  return path.join(os.userInfo().homedir, '.ssh', 'config');
}

/** Every concrete Host alias (no wildcard or negated patterns), in file order, without duplicates. */
export async function readSshHosts(configFile = defaultSshConfigFile()): Promise<SshConfigHost[]> {
  const hosts = new Map<string, { alias: string; file: string; hostName?: string; user?: string; port?: string }>();
  const sshDir = path.join(os.userInfo().homedir, '.ssh');
  const visit = async (file: string, depth: number): Promise<void> => {
    if (depth > MAX_INCLUDE_DEPTH) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return; // A missing Include target is not an error for OpenSSH either.
    }
    let current: string[] = [];
    for (const line of text.split(/\r?\n/)) {
      const words = splitConfigLine(line);
      if (words.length === 0) continue;
      const keyword = words[0].toLowerCase();
      const args = words.slice(1);
      if (keyword === 'host') {
        current = args.filter((pattern) => !/[*?!]/.test(pattern));
        for (const alias of current) if (!hosts.has(alias)) hosts.set(alias, { alias, file });
      } else if (keyword === 'match') {
        current = [];
      } else if (keyword === 'include') {
        for (const pattern of args) {
          for (const included of await expandInclude(pattern, sshDir)) await visit(included, depth + 1);
        }
      } else if (keyword === 'hostname' || keyword === 'user' || keyword === 'port') {
        for (const alias of current) {
          const entry = hosts.get(alias);
          // The first value obtained wins in OpenSSH.
          if (entry && entry.file === file) {
            if (keyword === 'hostname') entry.hostName ??= args[0];
            else if (keyword === 'user') entry.user ??= args[0];
            else entry.port ??= args[0];
          }
        }
      }
    }
  };
  await visit(configFile, 0);
  return [...hosts.values()].map(({ alias, file, hostName, user, port }) => {
    const detail = hostName ? `${user ? `${user}@` : ''}${hostName}${port ? `:${port}` : ''}` : undefined;
    return detail ? { alias, file, detail } : { alias, file };
  });
}

/** Splits a config line into keyword and arguments: `Key value`, `Key=value`, double-quoted arguments, # comments. */
export function splitConfigLine(line: string): string[] {
  const words: string[] = [];
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return words;
  const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(text);
  if (!match) return [text];
  words.push(match[1]);
  const pattern = /"([^"]*)"|(\S+)/g;
  for (let found = pattern.exec(match[2]); found; found = pattern.exec(match[2])) {
    const word = found[1] ?? found[2];
    if (found[2]?.startsWith('#')) break;
    words.push(word);
  }
  return words;
}

/** Include paths: ~ expanded, relative ones under ~/.ssh, glob characters in any segment. */
async function expandInclude(pattern: string, sshDir: string): Promise<string[]> {
  const expanded = pattern.startsWith('~/') ? path.join(os.userInfo().homedir, pattern.slice(2)) : pattern;
  const absolute = path.isAbsolute(expanded) ? expanded : path.join(sshDir, expanded);
  const segments = absolute.split('/').filter(Boolean);
  let candidates = ['/'];
  for (const segment of segments) {
    if (!/[*?[]/.test(segment)) {
      candidates = candidates.map((dir) => path.join(dir, segment));
      continue;
    }
    const matcher = globToRegExp(segment);
    const next: string[] = [];
    for (const dir of candidates) {
      const entries = await readdir(dir).catch(() => [] as string[]);
      next.push(
        ...entries
          .filter((entry) => matcher.test(entry))
          .sort()
          .map((entry) => path.join(dir, entry)),
      );
    }
    candidates = next;
  }
  return candidates;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}
