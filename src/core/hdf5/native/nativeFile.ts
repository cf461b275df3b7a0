// An HDF5 file read without HDF5: groups, dataset metadata, rows and root attributes, for the layouts h5py writes.
import type { RowSelection } from '../slice';
import { DatasetReader, GlobalHeap, VLEN_REFERENCE_BYTES } from './dataRead';
import { FileBytes } from './fileBytes';
import {
  NATIVE_FILTERS,
  compareNames,
  datasetHeader,
  groupLinks,
  headerAttributes,
  readObjectHeader,
  readSuperblock,
  type DatasetHeader,
  type Datatype,
  type Message,
  type StoredAttribute,
} from './structure';
import { MalformedFileError, UnsupportedFeatureError } from './unsupported';

export type NativeAttributeValue = string | number;

/** A dataset found in the file, with what it takes to read it. */
export interface NativeDataset {
  readonly header: DatasetHeader;
  readonly reader: DatasetReader;
}

/**
 * Opening parses the superblock and the root group; every other object is parsed when first asked for. Whatever
 * the reader does not implement throws UnsupportedFeatureError and whatever does not parse MalformedFileError:
 * the caller then reads the file with HDF5 itself.
 */
export class NativeHdf5File {
  private readonly headers = new Map<number, Message[]>();
  private readonly links = new Map<number, Map<string, number> | undefined>();
  private readonly datasets = new Map<string, NativeDataset | undefined>();
  private readonly heap: GlobalHeap;
  private attributes?: Map<string, NativeAttributeValue>;

  private constructor(
    private readonly bytes: FileBytes,
    private readonly rootAddress: number,
  ) {
    this.heap = new GlobalHeap(bytes);
  }

  static open(file: string): NativeHdf5File {
    const bytes = FileBytes.open(file);
    try {
      const native = new NativeHdf5File(bytes, readSuperblock(bytes).rootAddress);
      if (!native.groupLinks(native.rootAddress)) throw new MalformedFileError('the root object is not a group');
      // Read now, so that dense attribute storage gives the file to HDF5 while it can still take it.
      native.rootAttributes();
      return native;
    } catch (error) {
      bytes.close();
      throw error;
    }
  }

  /** Member names of a group, in HDF5's order; none when the path is absent or not a group. */
  childNames(group: string): string[] {
    const address = this.resolve(group);
    const links = address === undefined ? undefined : this.groupLinks(address);
    return links ? [...links.keys()] : [];
  }

  /** The dataset at `path`, or undefined when the path is absent or is a group. */
  dataset(path: string): NativeDataset | undefined {
    if (this.datasets.has(path)) return this.datasets.get(path);
    const address = this.resolve(path);
    const header = address === undefined ? undefined : datasetHeader(this.header(address));
    if (header) assertReadable(header);
    const dataset = header && { header, reader: new DatasetReader(this.bytes, header) };
    this.datasets.set(path, dataset);
    return dataset;
  }

  /** Selected rows of a dataset as stored, little-endian. */
  readRows(dataset: NativeDataset, rows: RowSelection): Uint8Array {
    return dataset.reader.readRows(rows);
  }

  /** Selected elements of a variable-length byte dataset, each its own buffer. */
  readVariableLength(dataset: NativeDataset, rows: RowSelection): Uint8Array[] {
    const references = dataset.reader.readRows(rows);
    const base = dataset.header.datatype.base!;
    return Array.from({ length: rows.count }, (_, i) =>
      Uint8Array.from(
        this.heap.resolve(references.subarray(i * VLEN_REFERENCE_BYTES, (i + 1) * VLEN_REFERENCE_BYTES), base.size),
      ),
    );
  }

  /** Root attributes holding one number or string, by name (others are skipped, as they add only information). */
  rootAttributes(): Map<string, NativeAttributeValue> {
    if (this.attributes) return this.attributes;
    const values = new Map<string, NativeAttributeValue>();
    const stored = headerAttributes(this.header(this.rootAddress)).sort((a, b) => compareNames(a.name, b.name));
    for (const attribute of stored) {
      try {
        const value = this.attributeValue(attribute);
        if (value !== undefined) values.set(attribute.name, value);
      } catch (error) {
        // An attribute that does not read is skipped, as HDF5's exotic types are: attributes only add information.
        if (!(error instanceof MalformedFileError)) throw error;
      }
    }
    this.attributes = values;
    return values;
  }

  close(): void {
    this.bytes.close();
  }

  private attributeValue({ datatype, dataspace, data }: StoredAttribute): NativeAttributeValue | undefined {
    if (dataspace.shape.reduce((count, size) => count * size, 1) !== 1) return undefined;
    if (datatype.typeClass === 3) return fixedString(data.subarray(0, datatype.size), datatype.padding);
    if (datatype.typeClass === 9 && datatype.variableString)
      return this.heap.resolve(data.subarray(0, VLEN_REFERENCE_BYTES), 1).toString('utf8');
    const numeric = datatype.typeClass === 8 ? datatype.base! : datatype;
    return numberAt(data, numeric);
  }

  private resolve(path: string): number | undefined {
    let address: number | undefined = this.rootAddress;
    for (const name of path.split('/')) {
      if (!name) continue;
      address = this.groupLinks(address)?.get(name);
      if (address === undefined) return undefined;
    }
    return address;
  }

  private groupLinks(address: number): Map<string, number> | undefined {
    if (!this.links.has(address)) this.links.set(address, groupLinks(this.bytes, this.header(address)));
    return this.links.get(address);
  }

  private header(address: number): Message[] {
    let messages = this.headers.get(address);
    if (!messages) {
      messages = readObjectHeader(this.bytes, address);
      this.headers.set(address, messages);
    }
    return messages;
  }
}

/** What this reader decodes itself: little-endian numbers through deflate and shuffle, and vlen bytes. */
function assertReadable({ datatype, filters }: DatasetHeader): void {
  const unknown = filters.find((filter) => !NATIVE_FILTERS.has(filter.id));
  if (unknown) throw new UnsupportedFeatureError(`filter ${unknown.id}`);
  if ((datatype.typeClass === 0 || datatype.typeClass === 1) && !datatype.littleEndian)
    throw new UnsupportedFeatureError('big-endian data');
  if (
    datatype.typeClass === 9 &&
    (datatype.variableString || datatype.base?.typeClass !== 0 || datatype.base.size !== 1)
  )
    throw new UnsupportedFeatureError('variable-length data other than bytes');
}

function fixedString(bytes: Buffer, padding: number): string {
  const text = bytes.toString('utf8');
  if (padding === 2) return text.replace(/ +$/, '');
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

function numberAt(data: Buffer, type: Datatype): number | undefined {
  if (data.length < type.size) throw new MalformedFileError('an attribute shorter than its type');
  const view = new DataView(data.buffer, data.byteOffset, type.size);
  const little = type.littleEndian;
  if (type.typeClass === 1) {
    if (type.size === 4) return view.getFloat32(0, little);
    if (type.size === 8) return view.getFloat64(0, little);
    return undefined;
  }
  if (type.typeClass !== 0) return undefined;
  switch (type.size) {
    case 1:
      return type.signed ? view.getInt8(0) : view.getUint8(0);
    case 2:
      return type.signed ? view.getInt16(0, little) : view.getUint16(0, little);
    case 4:
      return type.signed ? view.getInt32(0, little) : view.getUint32(0, little);
    case 8:
      return Number(type.signed ? view.getBigInt64(0, little) : view.getBigUint64(0, little));
    default:
      return undefined;
  }
}
