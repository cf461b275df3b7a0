// The converter's record of its own work in `{dataset}/.ctrlworld-convert.json`: which episode got which id,
// from which file size and mtime, with which options. A re-run reuses what still matches and redoes the rest.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import { UserFacingError } from '../errors';
import { resolveInside } from '../insideRoot';
import { MANIFEST_FILE } from './layout';
import type { StateChoice } from './stateSource';
import type { ConvertOptions, Split } from './types';

export interface ManifestEntry {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** The options' fingerprint when this entry was made. */
  readonly options: string;
  /** Converted: its id, split, annotation file (relative to the dataset folder) and that file's sha256. */
  readonly id?: number;
  readonly split?: Split;
  readonly annotation?: string;
  readonly sha256?: string;
  /** Not convertible, and why (flags are not cached: they are read again every run). */
  readonly skipped?: string;
}

export interface Manifest {
  version: 1;
  /** The folder of episodes converted last, which the annotations' source.file is relative to. */
  input?: string;
  /** Ids are never reused, so a latent folder always belongs to one episode. */
  nextId: number;
  /** Ids by episode file (relative to the episodes folder), kept when an episode is skipped for a while. */
  ids: Record<string, number>;
  episodes: Record<string, ManifestEntry>;
}

export function emptyManifest(): Manifest {
  return { version: 1, nextId: 0, ids: {}, episodes: {} };
}

export function manifestPath(datasetFolder: string): string {
  return path.join(datasetFolder, MANIFEST_FILE);
}

export async function readManifest(datasetFolder: string): Promise<Manifest> {
  const file = manifestPath(datasetFolder);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw new UserFacingError(
      `The conversion record ${file} cannot be read: ${(error as Error).message}.`,
      'Check its permissions.',
      'manifest',
    );
  }
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
    if (
      value.version !== 1 ||
      typeof value.nextId !== 'number' ||
      !value.ids ||
      typeof value.ids !== 'object' ||
      !value.episodes ||
      typeof value.episodes !== 'object'
    )
      throw new Error('unknown shape');
  } catch (error) {
    throw new UserFacingError(
      `The conversion record ${file} is damaged (${(error as Error).message}).`,
      'Delete it to convert from scratch; episode ids are then given anew.',
      'manifest',
    );
  }
  const manifest = value as Manifest;
  // Checked before anything is touched: a copied or edited record must not name files outside its folder.
  for (const entry of Object.values(manifest.episodes)) {
    if (entry?.annotation !== undefined)
      resolveInside(datasetFolder, entry.annotation, `The conversion record ${file}`);
  }
  return manifest;
}

export async function writeManifest(datasetFolder: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(manifestPath(datasetFolder), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** The id of an episode file: the one it had, or the next unused one. */
export function episodeId(manifest: Manifest, file: string): number {
  let id = manifest.ids[file];
  if (id === undefined) {
    id = manifest.nextId++;
    manifest.ids[file] = id;
  }
  return id;
}

/** Everything that changes an annotation's content, so that changing any of it redoes the annotations. */
export function optionsFingerprint(
  options: ConvertOptions & { readonly pose: StateChoice['pose']; readonly gripper: StateChoice['gripper'] },
): string {
  const {
    views,
    stride,
    targetFps,
    downSample,
    width,
    height,
    pose,
    gripper,
    rawColorOrder,
    task,
    defaultFps,
    stateDim,
  } = options;
  const fields = {
    views,
    stride,
    targetFps,
    downSample,
    width,
    height,
    pose,
    gripper,
    rawColorOrder,
    task,
    defaultFps,
    stateDim,
  };
  return sha256(JSON.stringify(fields)).slice(0, 16);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
