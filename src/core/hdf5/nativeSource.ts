// The native reader as an episode's source: the same metadata and bytes HDF5 gives, without loading HDF5.
import { describePipeline, type FilterEntry } from './filters';
import type { AttributeValue } from './layout';
import { NativeHdf5File, type NativeDataset } from './native/nativeFile';
import { NATIVE_FILTERS } from './native/structure';
import { dtypeName, readFailed, type DatasetInfo, type RowSelection } from './slice';
import type { Hdf5Source } from './source';

/** What HDF5 reports for a variable-length element in memory (an {length, pointer} pair in wasm32). */
const VLEN_ITEM_BYTES = 8;

export class NativeSource implements Hdf5Source {
  readonly availableFilters = NATIVE_FILTERS;

  private constructor(private readonly native: NativeHdf5File) {}

  /**
   * Throws when the native reader leaves the file to HDF5: a feature it does not implement, or damage (HDF5 then
   * reports that itself, in its own terms).
   */
  static open(file: string): NativeSource {
    return new NativeSource(NativeHdf5File.open(file));
  }

  childNames(group: string): string[] {
    return this.native.childNames(group);
  }

  datasetInfo(datasetPath: string): DatasetInfo | undefined {
    const dataset = this.native.dataset(datasetPath);
    if (!dataset) return undefined;
    const { dataspace, datatype, layout, filters } = dataset.header;
    const chunkShape = layout.kind === 'chunked' ? layout.chunkShape : null;
    // As HDF5 is asked: filters only of chunked datasets (the only ones they apply to).
    const entries: FilterEntry[] = chunkShape
      ? filters.map(({ id, name, clientData }) => ({ id, name, cd_values: clientData }))
      : [];
    return {
      path: datasetPath,
      shape: dataspace.shape,
      dtype: dtypeName(datatype.typeClass, datatype.size, datatype.signed),
      itemSize: datatype.typeClass === 9 ? VLEN_ITEM_BYTES : datatype.size,
      filters: entries,
      filter: describePipeline(entries),
      chunkShape,
    };
  }

  readRows(file: string, info: DatasetInfo, selection: RowSelection): Uint8Array {
    return this.read(file, info, selection, (dataset) => this.native.readRows(dataset, selection));
  }

  readVariableLength(file: string, info: DatasetInfo, selection: RowSelection): Uint8Array[] {
    return this.read(file, info, selection, (dataset) => this.native.readVariableLength(dataset, selection));
  }

  rootAttributes(only?: readonly string[]): Record<string, AttributeValue> {
    const attributes: Record<string, AttributeValue> = {};
    for (const [key, value] of this.native.rootAttributes()) if (!only || only.includes(key)) attributes[key] = value;
    return attributes;
  }

  close(): void {
    this.native.close();
  }

  /** Runs a read, turning whatever stops it (damage, a chunk past the end) into the error HDF5's reads give. */
  private read<T>(file: string, info: DatasetInfo, selection: RowSelection, read: (dataset: NativeDataset) => T): T {
    try {
      // Described by datasetInfo before any read: found in the file's cache.
      return read(this.native.dataset(info.path)!);
    } catch (error) {
      throw readFailed(file, info, selection, error instanceof Error ? error.message : String(error));
    }
  }
}
