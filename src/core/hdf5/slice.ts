// Reads a range of rows of one dataset into a typed array, checking every step h5wasm leaves unchecked.
import * as path from 'node:path';
import { Hdf5DatasetError, UnknownFilterError } from './errors';
import { describePipeline, firstUnavailableFilter, type FilterEntry } from './filters';
import { lastDiagnosticDetail } from './openFailure';
import { withDiagnostics, type Hdf5Runtime } from './runtime';

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

/** One read never asks the WASM heap (2 GiB at most) for more than this. */
export const MAX_SLICE_BYTES = 512 * 1024 * 1024;
/**
 * HDF5 decompresses a whole chunk to read any element of it, and again for every read once it falls out of the 1 MiB
 * chunk cache. Recorders and h5py's own chunking stay far below this; a larger chunk is a decompression bomb or a
 * file no reader handles well, and is refused before HDF5 allocates it.
 */
export const MAX_CHUNK_BYTES = 128 * 1024 * 1024;

interface RawMetadata {
  shape: number[] | null;
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  chunks: number[] | null;
}

function dtypeName(metadata: RawMetadata): string {
  if (metadata.vlen || metadata.type === 9) return 'vlen';
  if (metadata.type === 0) return `${metadata.signed ? 'int' : 'uint'}${metadata.size * 8}`;
  if (metadata.type === 1) return `float${metadata.size * 8}`;
  if (metadata.type === 3) return 'string';
  if (metadata.type === 6) return 'compound';
  return 'other';
}

const NO_FILTERS: readonly FilterEntry[] = [];

export function readDatasetInfo(runtime: Hdf5Runtime, fileId: bigint, datasetPath: string): DatasetInfo {
  const metadata = runtime.module.get_dataset_metadata(fileId, datasetPath) as unknown as RawMetadata;
  // HDF5 applies filters to chunked datasets only; asking costs as much as reading a frame, for every array of a file.
  const filters = metadata.chunks
    ? (runtime.module.get_dataset_filters(fileId, datasetPath) as FilterEntry[])
    : NO_FILTERS;
  return {
    path: datasetPath,
    shape: metadata.shape ?? [],
    dtype: dtypeName(metadata),
    itemSize: metadata.size,
    filters,
    filter: describePipeline(filters),
    chunkShape: metadata.chunks ?? null,
  };
}

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
  runtime: Hdf5Runtime,
  file: string,
  fileId: bigint,
  info: DatasetInfo,
  start: number,
  end: number,
): NumericArray {
  return readRowSelection(runtime, file, fileId, info, { start, count: end - start, stride: 1 });
}

/** Like readRows for evenly spaced rows, read in one call (one HDF5 call costs far more than its bytes). */
export function readRowSelection(
  runtime: Hdf5Runtime,
  file: string,
  fileId: bigint,
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
  const unknown = firstUnavailableFilter(info.filters, runtime.availableFilters);
  if (unknown) throw new UnknownFilterError(file, info.path, unknown.id, unknown.name);
  assertChunkSize(file, info);
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
  // h5wasm converts big-endian data to little-endian as it reads.
  return new ArrayType(readHyperslab(runtime, file, fileId, info, selection, bytes).buffer as ArrayBuffer);
}

/**
 * Selected elements of a variable-length uint8 dataset (a JPEG per frame stored as `vlen_dtype(uint8)`), copied
 * out. HDF5 hands back {length, pointer} pairs (4 bytes each in wasm32) whose memory it allocated with malloc;
 * it is freed here.
 */
export function readVlenBytes(
  runtime: Hdf5Runtime,
  file: string,
  fileId: bigint,
  info: DatasetInfo,
  selection: RowSelection,
): Uint8Array[] {
  const unknown = firstUnavailableFilter(info.filters, runtime.availableFilters);
  if (unknown) throw new UnknownFilterError(file, info.path, unknown.id, unknown.name);
  assertChunkSize(file, info);
  const pairs = new Uint32Array(
    readHyperslab(runtime, file, fileId, { ...info, shape: [info.shape[0] ?? 0] }, selection, 8 * selection.count)
      .buffer,
  );
  const { HEAPU8, _free } = runtime.module;
  const elements: Uint8Array[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const [length, pointer] = [pairs[i]!, pairs[i + 1]!];
    elements.push(HEAPU8.slice(pointer, pointer + length));
    if (pointer !== 0) _free(pointer);
  }
  return elements;
}

function readHyperslab(
  runtime: Hdf5Runtime,
  file: string,
  fileId: bigint,
  info: DatasetInfo,
  selection: RowSelection,
  bytes: number,
): Uint8Array {
  const { module } = runtime;
  const name = path.basename(file);
  const count = info.shape.map((size, i) => BigInt(i === 0 ? selection.count : size));
  const offset = info.shape.map((_, i) => BigInt(i === 0 ? selection.start : 0));
  const strides = info.shape.map((_, i) => BigInt(i === 0 ? selection.stride : 1));
  if (bytes === 0) return new Uint8Array(0);
  const pointer = module._malloc(bytes);
  if (pointer === 0) {
    throw new Hdf5DatasetError(
      file,
      info.path,
      `${name}: no memory left to read ${info.path}.`,
      'Close other episode previews and try again.',
      'read-failed',
    );
  }
  try {
    const {
      value: status,
      error,
      diagnostics,
    } = withDiagnostics(() => module.get_dataset_data(fileId, info.path, count, offset, strides, BigInt(pointer)));
    if (error !== undefined || diagnostics || (status ?? -1) < 0) {
      const detail = lastDiagnosticDetail(diagnostics) || (error instanceof Error ? error.message : '');
      throw new Hdf5DatasetError(
        file,
        info.path,
        `${name}: ${describeRows(selection)} of ${info.path} cannot be read${detail ? ` (${detail})` : ''}.`,
        'The file is damaged there; copy the episode again.',
        'read-failed',
      );
    }
    // Copied out of the heap: the heap is reused by the next read, and may grow (which replaces HEAPU8).
    const copy = module.HEAPU8.slice(pointer, pointer + bytes);
    if (copy.byteLength !== bytes) {
      throw new Hdf5DatasetError(
        file,
        info.path,
        `${name}: ${info.path} returned ${copy.byteLength} bytes for ${describeRows(selection)}, expected ${bytes}.`,
        'The file is damaged; copy the episode again.',
        'short-read',
      );
    }
    return copy;
  } finally {
    module._free(pointer);
  }
}
