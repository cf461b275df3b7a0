// The shape and dtype of a latent `.pt` file, read from its zip directory and data.pkl without torch, with its
// storage's size checked against the zip entry: what the converted-dataset checks compare with the annotation.
// remote-kit/latent_file.py applies the same rule on the GPU host (see its docstring for the rule itself).
import { open } from 'node:fs/promises';
import { describeError } from '../../errors';
import { readEntry, zipEntries, ZipFormatError } from './zip';
import { PickleError, unpickle, type PickledTensor } from './torchPickle';

export type LatentInfo =
  | { readonly ok: true; readonly shape: number[]; readonly dtype: string; readonly sizeBytes: number }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

/** What `torch.load` would give, as far as shape and dtype go; `reason` says why the file cannot be a tensor. */
export async function readLatentInfo(file: string): Promise<LatentInfo> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, reason: missing ? 'missing' : describeError(error) };
  }
  try {
    const { size } = await handle.stat();
    const entries = await zipEntries(handle, size);
    const pickle = pickleEntry(entries);
    return tensorInfo(entries, pickle.name, await readEntry(handle, size, pickle), size);
  } catch (error) {
    return latentFailure(error);
  } finally {
    await handle.close();
  }
}

/**
 * The data.pkl torch.load reads: `<folder>/data.pkl`, where `<folder>` is the first entry's folder (its zip reader
 * looks every record up there). The same rule as remote-kit/latent_file.py, tested on the same files.
 */
export function pickleEntry<Entry extends { readonly name: string }>(entries: readonly Entry[]): Entry {
  const first = entries[0]?.name;
  if (first === undefined) throw new ZipFormatError('it is an empty zip archive');
  const slash = first.indexOf('/');
  if (slash <= 0) throw new ZipFormatError('its first entry is not in a folder, so torch.save did not write it');
  const name = `${first.slice(0, slash)}/data.pkl`;
  const pickle = entries.find((entry) => entry.name === name);
  if (!pickle) throw new ZipFormatError('it has no data.pkl, so torch.save did not write it');
  return pickle;
}

/** Why a file is no tensor: the format's own reasons as they are, anything else described. */
export function latentFailure(error: unknown): LatentInfo {
  if (error instanceof ZipFormatError || error instanceof PickleError)
    return { ok: false, missing: false, reason: error.message };
  return { ok: false, missing: false, reason: describeError(error) };
}

/** The tensor data.pkl describes, checked against the size of its storage entry in the zip directory. */
export function tensorInfo(
  entries: ReadonlyArray<{ readonly name: string; readonly size: number }>,
  pickleName: string,
  pickle: Uint8Array,
  fileSize: number,
): LatentInfo & { ok: true } {
  const value = unpickle(pickle);
  if (!isTensor(value)) throw new PickleError('it holds something other than one tensor');
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const storage = entries.find((entry) => entry.name === `${prefix}data/${value.storageKey}`);
  const elements = value.shape.reduce((product, dimension) => product * dimension, 1);
  const needed = (value.storageOffset + elements) * value.itemSize;
  if (!storage) throw new ZipFormatError(`its tensor data (data/${value.storageKey}) is missing`);
  if (storage.size < needed)
    throw new ZipFormatError(
      `its tensor data holds ${storage.size} bytes, but shape (${value.shape.join(', ')}) needs ${needed}`,
    );
  return { ok: true, shape: value.shape, dtype: value.dtype, sizeBytes: fileSize };
}

function isTensor(value: unknown): value is PickledTensor {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}
