// What the converted-dataset check reads, wherever the dataset is: this machine's files, or a snapshot of a
// dataset on the GPU host taken in one round trip by remote-kit/converted_snapshot.py.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { latentFailure, pickleEntry, readLatentInfo, tensorInfo, type LatentInfo } from './latentFile';

export type TextRead = { readonly text: string } | { readonly missing: boolean; readonly error: string };

export interface ConvertedFiles {
  /** The names in a folder; none when it is missing or unreadable. */
  list(folder: string): Promise<string[]>;
  isDirectory(folder: string): Promise<boolean>;
  readText(file: string): Promise<TextRead>;
  latentInfo(file: string): Promise<LatentInfo>;
}

export const LOCAL_FILES: ConvertedFiles = {
  list: (folder) => readdir(folder).catch(() => []),
  isDirectory: (folder) =>
    stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    ),
  readText: (file) =>
    readFile(file, 'utf8').then(
      (text) => ({ text }),
      (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        return { missing, error: missing ? 'it does not exist' : error.message };
      },
    ),
  latentInfo: readLatentInfo,
};

/** What converted_snapshot.py prints (gunzipped): paths are absolute on the host. */
export interface ConvertedSnapshot {
  readonly dirs: Readonly<Record<string, string[]>>;
  readonly texts: Readonly<Record<string, string>>;
  readonly unreadable: Readonly<Record<string, string>>;
  readonly latents: Readonly<
    Record<string, { size: number; entries: Array<[string, number]>; pickle: string } | { error: string }>
  >;
}

/** The snapshot as files: what it does not hold does not exist on the host. */
export function snapshotFiles(snapshot: ConvertedSnapshot): ConvertedFiles {
  // The host's paths, compared without `.`, `..`, doubled or trailing slashes.
  const key = (file: string) => path.posix.normalize(file).replace(/(.)\/+$/, '$1');
  const table = <T>(record: Readonly<Record<string, T>>) =>
    new Map(Object.entries(record).map(([file, value]) => [key(file), value]));
  const dirs = table(snapshot.dirs);
  const texts = table(snapshot.texts);
  const unreadable = table(snapshot.unreadable);
  const latents = table(snapshot.latents);
  return {
    list: async (folder) => [...(dirs.get(key(folder)) ?? [])],
    isDirectory: async (folder) => dirs.has(key(folder)),
    readText: async (file) => {
      const text = texts.get(key(file));
      if (text !== undefined) return { text };
      const reason = unreadable.get(key(file));
      return reason === undefined ? { missing: true, error: 'it does not exist' } : { missing: false, error: reason };
    },
    latentInfo: async (file) => {
      const latent = latents.get(key(file));
      if (!latent) return { ok: false, missing: true, reason: 'missing' };
      if ('error' in latent) return { ok: false, missing: false, reason: latent.error };
      try {
        const entries = latent.entries.map(([name, size]) => ({ name, size }));
        return tensorInfo(entries, pickleEntry(entries).name, Buffer.from(latent.pickle, 'base64'), latent.size);
      } catch (error) {
        return latentFailure(error);
      }
    },
  };
}
