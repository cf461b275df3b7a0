// Where an episode's metadata and bytes come from: the native reader, or HDF5 itself for what that leaves to it.
import type { AttributeValue } from './layout';
import type { DatasetInfo, RowSelection } from './slice';

export interface Hdf5Source {
  /** HDF5 filter ids this source decodes. */
  readonly availableFilters: ReadonlySet<number>;
  /** Member names of a group, by name; none when the path is absent or not a group. */
  childNames(group: string): string[];
  /** The dataset's metadata; undefined when the path is absent or not a dataset. */
  datasetInfo(datasetPath: string): DatasetInfo | undefined;
  /**
   * The selected rows (every other dimension whole), little-endian, `bytes` long (readRowSelection checks that).
   * Throws an Hdf5DatasetError that names the file, the dataset and the rows when they cannot be read.
   */
  readRows(file: string, info: DatasetInfo, selection: RowSelection, bytes: number): Uint8Array;
  /** The selected elements of a variable-length uint8 dataset (a JPEG per frame), each in its own buffer. */
  readVariableLength(file: string, info: DatasetInfo, selection: RowSelection): Uint8Array[];
  /** Scalar attributes of the root, all or only those named. */
  rootAttributes(only?: readonly string[]): Record<string, AttributeValue>;
  close(): void;
}
