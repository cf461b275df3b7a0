// HDF5 itself (h5wasm) as an episode's source: every file the native reader leaves to it, with its diagnostics.
import * as path from 'node:path';
import { Hdf5DatasetError } from './errors';
import { describePipeline, type FilterEntry } from './filters';
import type { AttributeValue } from './layout';
import { lastDiagnosticDetail } from './openFailure';
import { withDiagnostics, type Hdf5Runtime } from './runtime';
import { assertWhole, dtypeName, readFailed, type DatasetInfo, type RowSelection } from './slice';
import type { Hdf5Source } from './source';

type H5File = InstanceType<Hdf5Runtime['h5wasm']['File']>;

interface RawMetadata {
  shape: number[] | null;
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  chunks: number[] | null;
}

const NO_FILTERS: readonly FilterEntry[] = [];

export class WasmSource implements Hdf5Source {
  readonly availableFilters: ReadonlySet<number>;

  constructor(
    private readonly runtime: Hdf5Runtime,
    private readonly h5file: H5File,
  ) {
    this.availableFilters = runtime.availableFilters;
  }

  childNames(group: string): string[] {
    // Asked directly: one HDF5 call, not two (is it a group? its names).
    const { value: names } = withDiagnostics(
      () => this.runtime.module.get_names(this.h5file.file_id, group, false) as string[],
    );
    return names ?? [];
  }

  datasetInfo(datasetPath: string): DatasetInfo | undefined {
    // Asking for a dataset's metadata fails for groups and absent paths: cheaper than asking every path's type first.
    const { value } = withDiagnostics(() => this.readDatasetInfo(datasetPath));
    return value;
  }

  readRows(file: string, info: DatasetInfo, selection: RowSelection, bytes: number): Uint8Array {
    // h5wasm converts big-endian data to little-endian as it reads.
    return this.readHyperslab(file, info, selection, bytes);
  }

  /**
   * HDF5 hands back {length, pointer} pairs (4 bytes each in wasm32) whose memory it allocated with malloc; the
   * bytes are copied out and it is freed here.
   */
  readVariableLength(file: string, info: DatasetInfo, selection: RowSelection): Uint8Array[] {
    const bytes = 8 * selection.count;
    const read = this.readHyperslab(file, { ...info, shape: [info.shape[0] ?? 0] }, selection, bytes);
    const pairs = new Uint32Array(assertWhole(file, info, selection, read, bytes).buffer);
    const { HEAPU8, _free } = this.runtime.module;
    const elements: Uint8Array[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const [length, pointer] = [pairs[i]!, pairs[i + 1]!];
      elements.push(HEAPU8.slice(pointer, pointer + length));
      if (pointer !== 0) _free(pointer);
    }
    return elements;
  }

  rootAttributes(only?: readonly string[]): Record<string, AttributeValue> {
    const attributes: Record<string, AttributeValue> = {};
    for (const key of this.runtime.module.get_attribute_names(this.h5file.file_id, '/') as string[]) {
      if (only && !only.includes(key)) continue;
      try {
        const value = scalar(this.h5file.get_attribute(key, false));
        if (value !== undefined) attributes[key] = value;
      } catch {
        // An attribute of an exotic type is skipped: attributes only add information.
      }
    }
    return attributes;
  }

  close(): void {
    this.h5file.close();
  }

  private readDatasetInfo(datasetPath: string): DatasetInfo {
    const { module } = this.runtime;
    const fileId = this.h5file.file_id;
    const metadata = module.get_dataset_metadata(fileId, datasetPath) as unknown as RawMetadata;
    // HDF5 applies filters to chunked datasets only; asking costs as much as reading a frame, for every array.
    const filters = metadata.chunks ? (module.get_dataset_filters(fileId, datasetPath) as FilterEntry[]) : NO_FILTERS;
    return {
      path: datasetPath,
      shape: metadata.shape ?? [],
      dtype: dtypeName(metadata.vlen ? 9 : metadata.type, metadata.size, metadata.signed),
      itemSize: metadata.size,
      filters,
      filter: describePipeline(filters),
      chunkShape: metadata.chunks ?? null,
    };
  }

  private readHyperslab(file: string, info: DatasetInfo, selection: RowSelection, bytes: number): Uint8Array {
    const { module } = this.runtime;
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
      const fileId = this.h5file.file_id;
      const {
        value: status,
        error,
        diagnostics,
      } = withDiagnostics(() => module.get_dataset_data(fileId, info.path, count, offset, strides, BigInt(pointer)));
      if (error !== undefined || diagnostics || (status ?? -1) < 0) {
        throw readFailed(
          file,
          info,
          selection,
          lastDiagnosticDetail(diagnostics) || (error instanceof Error ? error.message : ''),
        );
      }
      // Copied out of the heap: the heap is reused by the next read, and may grow (which replaces HEAPU8).
      return module.HEAPU8.slice(pointer, pointer + bytes);
    } finally {
      module._free(pointer);
    }
  }
}

function scalar(value: unknown): AttributeValue | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length === 1)
    return scalar((value as unknown as ArrayLike<unknown>)[0]);
  if (Array.isArray(value) && value.length === 1) return scalar(value[0]);
  return undefined;
}
