// Reads a range of rows of one dataset into a typed array, checking every bound before the source reads.
import * as path from 'node:path';
import { Hdf5DatasetError, UnknownFilterError } from './errors';
import { firstUnavailableFilter, type FilterEntry } from './filters';
import type { Hdf5Source } from './source';

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** What the reader knows about one dataset without reading its data. */
export interface DatasetInfo {
  readonly path: string;
  readonly shape: readonly number[];
  /** numpy-style: `uint8`, `float64`, `int32`, … or `string`, `compound`, `vlen`, `other`. */
  readonly dtype: string;
  readonly itemSize: number;
  readonly filters: readonly FilterEntry[];
  /** The pipeline as a short string (`shuffle+gzip`), null when stored without filters. */
  readonly filter: string | null;
  /** Elements per chunk along each dimension; null when the dataset is not chunked. */
  readonly chunkShape: readonly number[] | null;
}

/** The numpy-style name of an HDF5 datatype class (0 integer, 1 float, 3 string, 6 compound, 9 variable-length). */
export function dtypeName(typeClass: number, size: number, signed: boolean): string {
  if (typeClass === 9) return 'vlen';
  if (typeClass === 0) return `${signed ? 'int' : 'uint'}${size * 8}`;
  if (typeClass === 1) return `float${size * 8}`;
  if (typeClass === 3) return 'string';
  if (typeClass === 6) return 'compound';
  return 'other';
}

/** One read never asks the WASM heap (2 GiB at most) for more than this. */
export const MAX_SLICE_BYTES = 512 * 1024 * 1024;
/**
 * HDF5 decompresses a whole chunk to read any element of it, and again for every read once it falls out of the 1 MiB
 * chunk cache. Recorders and h5py's own chunking stay far below this; a larger chunk is a decompression bomb or a
 * file no reader handles well, and is refused before HDF5 allocates it.
 */
export const MAX_CHUNK_BYTES = 128 * 1024 * 1024;

/** Refuses a dataset whose chunks are too large to decompress (see MAX_CHUNK_BYTES), naming its shape and the limit. */
function assertChunkSize(file: string, info: DatasetInfo): void {
  if (!info.chunkShape) return;
  const bytes = info.chunkShape.reduce((product, size) => product * size, info.itemSize);
  if (bytes <= MAX_CHUNK_BYTES) return;
  throw new Hdf5DatasetError(
    file,
    info.path,
    `${path.basename(file)}: dataset ${info.path} is stored in chunks of (${info.chunkShape.join(', ')}) elements, ` +
      `${(bytes / 2 ** 20).toFixed(0)} MiB each once decompressed, over the ${MAX_CHUNK_BYTES / 2 ** 20} MiB limit; ` +
      'it is not read.',
    'Re-save the episode with smaller chunks (e.g. h5repack -l CHUNK=1x480x640x3 for images, or h5py chunks=True).',
    'chunk-too-large',
  );
}

const ARRAY_TYPES: Record<string, new (buffer: ArrayBuffer) => NumericArray> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
};

export function isNumeric(info: DatasetInfo): boolean {
  return info.dtype in ARRAY_TYPES;
}

/** Number of elements in one row (everything after the first dimension). */
export function rowLength(info: DatasetInfo): number {
  return info.shape.slice(1).reduce((product, size) => product * size, 1);
}

/** Rows start, start + stride, … (count of them) along the first dimension. */
export interface RowSelection {
  readonly start: number;
  readonly count: number;
  readonly stride: number;
}

function describeRows({ start, count, stride }: RowSelection): string {
  if (count === 1) return `row ${start}`;
  if (stride === 1) return `rows ${start}..${start + count - 1}`;
  return `rows ${start}, ${start + stride}, … ${start + (count - 1) * stride}`;
}

/**
 * Rows [start, end) along the first dimension, all other dimensions whole, as a typed array of
 * (end - start) * rowLength elements. Throws a typed error for an unknown filter, a failed read or a short one.
 */
export function readRows(
  source: Hdf5Source,
  file: string,
  info: DatasetInfo,
  start: number,
  end: number,
): NumericArray {
  return readRowSelection(source, file, info, { start, count: end - start, stride: 1 });
}

/** Like readRows for evenly spaced rows, read in one call (one HDF5 call costs far more than its bytes). */
export function readRowSelection(
  source: Hdf5Source,
  file: string,
  info: DatasetInfo,
  selection: RowSelection,
): NumericArray {
  const ArrayType = ARRAY_TYPES[info.dtype];
  const name = path.basename(file);
  if (!ArrayType) {
    throw new Hdf5DatasetError(
      file,
      info.path,
      `${name}: dataset ${info.path} holds ${info.dtype} values, which are not numbers.`,
      undefined,
      'unsupported-layout',
    );
  }
  const rows = info.shape[0] ?? 0;
  const { start, count, stride } = selection;
  const last = start + (count - 1) * stride;
  if (
    ![start, count, stride].every(Number.isInteger) ||
    start < 0 ||
    count < 0 ||
    stride < 1 ||
    (count > 0 && last >= rows) ||
    start > rows
  ) {
    throw new RangeError(`rows ${start} + ${stride} x ${count} are outside 0..${rows} of ${info.path}`);
  }
  assertDecodable(source, file, info);
  const elements = count * rowLength(info);
  const bytes = elements * info.itemSize;
  if (bytes > MAX_SLICE_BYTES) {
    throw new Hdf5DatasetError(
      file,
      info.path,
      `${name}: reading ${describeRows(selection)} of ${info.path} would need ${(bytes / 2 ** 20).toFixed(0)} MiB at once.`,
      'Read fewer rows at a time.',
      'read-failed',
    );
  }
  if (elements === 0) return new ArrayType(new ArrayBuffer(0));
  return new ArrayType(assertWhole(file, info, selection, source.readRows(file, info, selection, bytes), bytes).buffer);
}

/** `data` when it is `bytes` long; a read that came back shorter or longer is damage the reader did not notice. */
export function assertWhole(
  file: string,
  info: DatasetInfo,
  selection: RowSelection,
  data: Uint8Array,
  bytes: number,
): Uint8Array<ArrayBuffer> {
  if (data.byteLength === bytes) return data as Uint8Array<ArrayBuffer>;
  throw new Hdf5DatasetError(
    file,
    info.path,
    `${path.basename(file)}: ${info.path} returned ${data.byteLength} bytes for ${describeRows(selection)}, ` +
      `expected ${bytes}.`,
    'The file is damaged; copy the episode again.',
    'short-read',
  );
}

/** The selected rows of a dataset could not be read; `detail` is the reader's own reason, when it gave one. */
export function readFailed(file: string, info: DatasetInfo, selection: RowSelection, detail: string): Hdf5DatasetError {
  return new Hdf5DatasetError(
    file,
    info.path,
    `${path.basename(file)}: ${describeRows(selection)} of ${info.path} cannot be read${detail ? ` (${detail})` : ''}.`,
    'The file is damaged there; copy the episode again.',
    'read-failed',
  );
}

/** Selected elements of a variable-length uint8 dataset (a JPEG per frame stored as `vlen_dtype(uint8)`). */
export function readVlenBytes(
  source: Hdf5Source,
  file: string,
  info: DatasetInfo,
  selection: RowSelection,
): Uint8Array[] {
  assertDecodable(source, file, info);
  return selection.count === 0 ? [] : source.readVariableLength(file, info, selection);
}

function assertDecodable(source: Hdf5Source, file: string, info: DatasetInfo): void {
  const unknown = firstUnavailableFilter(info.filters, source.availableFilters);
  if (unknown) throw new UnknownFilterError(file, info.path, unknown.id, unknown.name);
  assertChunkSize(file, info);
}
