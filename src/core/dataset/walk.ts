// Finds the episode files (*.hdf5, *.h5) under a folder, with the size and mtime that decide what to re-read.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../errors';
import { compareNatural } from './naturalSort';

export interface EpisodeFileEntry {
  readonly path: string;
  /** Relative to the root, with forward slashes. */
  readonly relative: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

export const EPISODE_EXTENSIONS = ['.hdf5', '.h5'];

export function isEpisodeFile(file: string): boolean {
  return EPISODE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/** Folders never searched: hidden ones (.git, .ctrlworld) and dependency trees. */
function skipFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name === '__pycache__';
}

/**
 * Every episode file under `root`, naturally sorted by relative path. Symbolic links to files are followed,
 * links to folders are not (they could loop). A root that does not exist gives an empty list.
 */
export async function findEpisodeFiles(root: string, signal?: AbortSignal): Promise<EpisodeFileEntry[]> {
  const found: EpisodeFileEntry[] = [];
  const visit = async (folder: string): Promise<void> => {
    throwIfAborted(signal);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      return; // Unreadable or vanished folders are skipped; the files in the others are still listed.
    }
    const stats = entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isEpisodeFile(entry.name))
      .map(async (entry) => {
        const full = path.join(folder, entry.name);
        try {
          const stat = await fs.stat(full);
          if (stat.isFile())
            found.push({
              path: full,
              relative: path.relative(root, full).split(path.sep).join('/'),
              sizeBytes: stat.size,
              mtimeMs: stat.mtimeMs,
            });
        } catch {
          // A dangling link: nothing to read.
        }
      });
    await Promise.all(stats);
    for (const entry of entries)
      if (entry.isDirectory() && !skipFolder(entry.name)) await visit(path.join(folder, entry.name));
  };
  await visit(path.resolve(root));
  return found.sort((a, b) => compareNatural(a.relative, b.relative));
}
