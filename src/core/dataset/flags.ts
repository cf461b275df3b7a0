// Episode flags ("bad demonstration, leave it out"): a sidecar `.ctrlworld/flags.json` in the episode's folder.
// Read by the preview, the Datasets tree and conversion (which excludes flagged episodes); written atomically.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserFacingError } from '../errors';
import { writeFileAtomic } from '../atomicWrite';

export const FLAGS_FOLDER = '.ctrlworld';
export const FLAGS_FILE_NAME = 'flags.json';

export interface EpisodeFlag {
  readonly reason: string;
  /** ISO 8601 time the flag was set. */
  readonly flaggedAt: string;
}

/** The file on disk: episodes keyed by file name, so the folder can move without losing its flags. */
interface FlagsFile {
  version: 1;
  episodes: Record<string, EpisodeFlag>;
}

export class FlagsFileError extends UserFacingError {
  constructor(file: string, problem: string) {
    super(
      `The flags file ${file} ${problem}.`,
      'Fix it or delete it (it only holds episode flags), then try again.',
      'flags-file',
    );
  }
}

/** The sidecar holding the flag of `episodeFile`: `<folder of the episode>/.ctrlworld/flags.json`. */
export function flagsFileFor(episodeFile: string): string {
  return path.join(path.dirname(path.resolve(episodeFile)), FLAGS_FOLDER, FLAGS_FILE_NAME);
}

/** Every flag in one sidecar, keyed by episode file name; empty when the sidecar does not exist. */
export async function readFlagsFile(flagsFile: string): Promise<Map<string, EpisodeFlag>> {
  let text: string;
  try {
    text = await readFile(flagsFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new FlagsFileError(flagsFile, `cannot be read (${(error as Error).message})`);
  }
  return new Map(Object.entries(parseFlags(flagsFile, text).episodes));
}

/** The flag of one episode, if it has one. */
export async function flagOf(episodeFile: string): Promise<EpisodeFlag | undefined> {
  return (await readFlagsFile(flagsFileFor(episodeFile))).get(path.basename(episodeFile));
}

/**
 * The flagged episodes among `episodeFiles` (absolute paths), each sidecar read once. Conversion uses this to
 * leave flagged episodes out.
 */
export async function flaggedEpisodes(episodeFiles: readonly string[]): Promise<Map<string, EpisodeFlag>> {
  const bySidecar = new Map<string, Promise<Map<string, EpisodeFlag>>>();
  const flagged = new Map<string, EpisodeFlag>();
  for (const file of episodeFiles) {
    const sidecar = flagsFileFor(file);
    if (!bySidecar.has(sidecar)) bySidecar.set(sidecar, readFlagsFile(sidecar));
    const flag = (await bySidecar.get(sidecar)!).get(path.basename(file));
    if (flag) flagged.set(file, flag);
  }
  return flagged;
}

export async function setFlag(episodeFile: string, reason: string, now: Date = new Date()): Promise<EpisodeFlag> {
  const trimmed = reason.trim();
  if (!trimmed)
    throw new UserFacingError(
      'A flag needs a reason.',
      'Say what is wrong with the episode, e.g. "wrist camera blocked".',
      'flag-reason',
    );
  const flag: EpisodeFlag = { reason: trimmed, flaggedAt: now.toISOString() };
  await updateFlags(episodeFile, (episodes) => {
    episodes[path.basename(episodeFile)] = flag;
  });
  return flag;
}

/** Removes the flag; returns whether there was one. */
export async function clearFlag(episodeFile: string): Promise<boolean> {
  let had = false;
  await updateFlags(episodeFile, (episodes) => {
    const name = path.basename(episodeFile);
    had = name in episodes;
    delete episodes[name];
  });
  return had;
}

/** Updates of one sidecar run one after another, so two quick flags in this process never lose one of them. */
const queues = new Map<string, Promise<unknown>>();

function updateFlags(episodeFile: string, change: (episodes: Record<string, EpisodeFlag>) => void): Promise<void> {
  const sidecar = flagsFileFor(episodeFile);
  const previous = queues.get(sidecar) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const episodes = Object.fromEntries(await readFlagsFile(sidecar));
      change(episodes);
      const sorted = Object.fromEntries(
        Object.entries(episodes).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })),
      );
      const content: FlagsFile = { version: 1, episodes: sorted };
      await writeFileAtomic(sidecar, `${JSON.stringify(content, null, 2)}\n`);
    });
  queues.set(sidecar, next);
  void next
    .finally(() => {
      if (queues.get(sidecar) === next) queues.delete(sidecar);
    })
    .catch(() => undefined);
  return next;
}

function parseFlags(file: string, text: string): FlagsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FlagsFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const episodes = (value as { episodes?: unknown } | null)?.episodes;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof episodes !== 'object' ||
    episodes === null ||
    Array.isArray(episodes)
  ) {
    throw new FlagsFileError(file, 'has no "episodes" object');
  }
  const checked: Record<string, EpisodeFlag> = {};
  for (const [name, flag] of Object.entries(episodes)) {
    const { reason, flaggedAt } = (flag ?? {}) as Partial<EpisodeFlag>;
    if (typeof reason !== 'string') throw new FlagsFileError(file, `has no reason for "${name}"`);
    checked[name] = { reason, flaggedAt: typeof flaggedAt === 'string' ? flaggedAt : '' };
  }
  return { version: 1, episodes: checked };
}
