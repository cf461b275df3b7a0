// Reads a dataset's raw elements: compact, contiguous or chunked (version 1 B-tree, single chunk or fixed array),
// decoding deflate and shuffle; and the objects variable-length data points to in global heap collections.
import * as zlib from 'node:zlib';
import type { RowSelection } from '../slice';
import type { FileBytes } from './fileBytes';
import {
  Cursor,
  UNDEFINED_ADDRESS,
  type ChunkIndexInfo,
  type DatasetHeader,
  type Layout,
  type PipelineFilter,
} from './structure';
import { MalformedFileError, UnsupportedFeatureError } from './unsupported';

interface ChunkLocation {
  readonly address: number;
  /** Its stored size; absent when it is stored unfiltered, as large as a chunk. */
  readonly size?: number;
  readonly filterMask: number;
}

/** Finds the chunk that starts at `origin` (element offsets); undefined when it was never written. */
interface ChunkLookup {
  find(origin: readonly number[]): ChunkLocation | undefined;
}

/** A node of the chunk B-tree, kept as read: its keys are compared in place, never copied out. */
interface ChunkNode {
  readonly level: number;
  readonly used: number;
  /** The node from its first key on: key 0, child 0, key 1, …, key `used`. */
  readonly entries: Buffer;
}

/** Decoded chunks kept per dataset: a frame and its neighbours, or the three sampled frames of a scan. */
const DECODED_CHUNKS_KEPT = 8;
const MAX_BTREE_DEPTH = 64;

function product(values: readonly number[]): number {
  return values.reduce((total, value) => total * value, 1);
}

/** A chunked dataset's version 1 B-tree, walked from the root to the one chunk asked for. */
class BTreeChunkIndex implements ChunkLookup {
  private readonly nodes = new Map<number, ChunkNode>();
  /** A key: the chunk's stored size, its filter mask, then its first element along each dimension and 0. */
  private readonly keyBytes: number;
  private readonly entryBytes: number;

  constructor(
    private readonly file: FileBytes,
    private readonly rootAddress: number,
    rank: number,
  ) {
    this.keyBytes = 8 + 8 * (rank + 1);
    this.entryBytes = this.keyBytes + 8;
  }

  find(origin: readonly number[]): ChunkLocation | undefined {
    if (this.rootAddress === UNDEFINED_ADDRESS) return undefined;
    let node = this.node(this.rootAddress);
    for (let depth = 0; depth < MAX_BTREE_DEPTH; depth++) {
      // The last child whose first chunk is at or before `origin` (keys are sorted).
      let low = 0;
      let high = node.used - 1;
      let child = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (this.compareKey(node, middle, origin) <= 0) {
          child = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      if (child < 0) return undefined;
      const entry = child * this.entryBytes;
      const address = new Cursor(node.entries, entry + this.keyBytes).address();
      if (node.level > 0) {
        node = this.node(address);
        continue;
      }
      if (this.compareKey(node, child, origin) !== 0) return undefined;
      const size = node.entries.readUInt32LE(entry);
      return { address, size, filterMask: node.entries.readUInt32LE(entry + 4) };
    }
    throw new MalformedFileError('a chunk B-tree deeper than 64 levels');
  }

  private compareKey(node: ChunkNode, index: number, origin: readonly number[]): number {
    const cursor = new Cursor(node.entries, index * this.entryBytes + 8);
    for (let d = 0; d < origin.length; d++) {
      const offset = cursor.length();
      if (offset !== origin[d]) return offset < origin[d]! ? -1 : 1;
    }
    return 0;
  }

  private node(address: number): ChunkNode {
    const cached = this.nodes.get(address);
    if (cached) return cached;
    const head = this.file.read(address, 24);
    if (head.toString('latin1', 0, 4) !== 'TREE' || head[4] !== 1) throw new MalformedFileError('no chunk B-tree node');
    const used = head.readUInt16LE(6);
    const entries = this.file.read(address + 24, (used + 1) * this.keyBytes + used * 8);
    const node: ChunkNode = { level: head[5]!, used, entries };
    this.nodes.set(address, node);
    return node;
  }
}

/**
 * The latest format's fixed array of chunk entries, one per chunk of the dataset's maximum extent in row-major order,
 * in one data block or, past 2^pageBits entries, in pages that are written only when one of their chunks is.
 */
class FixedArrayChunkIndex implements ChunkLookup {
  private header?: { entryBytes: number; pageBits: number; entries: number; dataBlock: number };

  constructor(
    private readonly file: FileBytes,
    private readonly address: number,
    private readonly chunkShape: readonly number[],
    private readonly maxShape: readonly number[],
    private readonly filtered: boolean,
  ) {}

  find(origin: readonly number[]): ChunkLocation | undefined {
    const { entryBytes, pageBits, entries, dataBlock } = this.readHeader();
    let index = 0;
    for (let d = 0; d < origin.length; d++) {
      index = index * Math.ceil(this.maxShape[d]! / this.chunkShape[d]!) + origin[d]! / this.chunkShape[d]!;
    }
    if (index >= entries) throw new MalformedFileError(`chunk ${index} outside a fixed array of ${entries}`);
    const prefix = 14; // signature, version, client id, header address
    const pageEntries = 2 ** pageBits;
    let at = dataBlock + prefix + index * entryBytes;
    if (entries > pageEntries) {
      const pages = Math.ceil(entries / pageEntries);
      const bitmapBytes = Math.ceil(pages / 8);
      const page = Math.floor(index / pageEntries);
      const bitmap = this.file.read(dataBlock + prefix, bitmapBytes);
      if ((bitmap[page >> 3]! & (0x80 >> (page & 7))) === 0) return undefined;
      const pagesStart = dataBlock + prefix + bitmapBytes + 4;
      at = pagesStart + page * (pageEntries * entryBytes + 4) + (index % pageEntries) * entryBytes;
    }
    const cursor = new Cursor(this.file.read(at, entryBytes));
    const address = cursor.address();
    if (address === UNDEFINED_ADDRESS) return undefined;
    if (!this.filtered) return { address, filterMask: 0 };
    return { address, size: cursor.uint(entryBytes - 12), filterMask: cursor.u32() };
  }

  private readHeader(): NonNullable<FixedArrayChunkIndex['header']> {
    if (this.header) return this.header;
    const cursor = new Cursor(this.file.read(this.address, 28));
    if (cursor.bytes(4).toString('latin1') !== 'FAHD') throw new MalformedFileError('no fixed array header');
    cursor.skip(2); // version, client id
    const entryBytes = cursor.u8();
    const pageBits = cursor.u8();
    const entries = cursor.length();
    const dataBlock = cursor.address();
    const expected = this.filtered ? entryBytes > 12 : entryBytes === 8;
    if (!expected || pageBits > 32) throw new MalformedFileError('a fixed array of unexpected entries');
    this.header = { entryBytes, pageBits, entries, dataBlock };
    return this.header;
  }
}

function chunkLookup(file: FileBytes, header: DatasetHeader, index: ChunkIndexInfo, chunkShape: number[]): ChunkLookup {
  if (index.type === 'btree-v1') return new BTreeChunkIndex(file, index.address, chunkShape.length);
  if (index.type === 'fixed-array') {
    const { maxShape } = header.dataspace;
    if (maxShape.some((size) => size === UNDEFINED_ADDRESS)) throw new MalformedFileError('a fixed array, unlimited');
    return new FixedArrayChunkIndex(file, index.address, chunkShape, maxShape, header.filters.length > 0);
  }
  const { address, filteredSize, filterMask } = index;
  const location = address === UNDEFINED_ADDRESS ? undefined : { address, size: filteredSize, filterMask };
  return { find: () => location };
}

function unshuffle(data: Uint8Array, elementBytes: number): Uint8Array {
  if (elementBytes <= 1) return data;
  const elements = Math.floor(data.length / elementBytes);
  const out = new Uint8Array(data.length);
  for (let byte = 0; byte < elementBytes; byte++) {
    const plane = byte * elements;
    for (let i = 0; i < elements; i++) out[i * elementBytes + byte] = data[plane + i]!;
  }
  out.set(data.subarray(elements * elementBytes), elements * elementBytes);
  return out;
}

/** Undoes a chunk's filters, last applied first, skipping those its filter mask marks as not applied. */
function decodeChunk(stored: Uint8Array, filters: readonly PipelineFilter[], mask: number, bytes: number): Uint8Array {
  let data = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const filter = filters[i]!;
    if (filter.id === 1) data = zlib.inflateSync(data, { maxOutputLength: Math.max(bytes, 1) });
    else if (filter.id === 2) data = unshuffle(data, filter.clientData[0] ?? 1);
    else throw new UnsupportedFeatureError(`filter ${filter.id}`);
  }
  if (data.length !== bytes) throw new MalformedFileError(`a chunk decodes to ${data.length} bytes, not ${bytes}`);
  return data;
}

/** Reads rows of one dataset as stored (little-endian elements; 16-byte references for variable-length data). */
export class DatasetReader {
  private readonly shape: readonly number[];
  private readonly elementBytes: number;
  private readonly layout: Layout;
  private readonly chunkIndex?: ChunkLookup;
  private readonly decoded = new Map<string, Uint8Array | null>();

  constructor(
    private readonly file: FileBytes,
    private readonly header: DatasetHeader,
  ) {
    this.shape = header.dataspace.shape;
    this.elementBytes = header.datatype.size;
    this.layout = header.layout;
    if (this.layout.kind === 'chunked') {
      if (this.layout.chunkShape.length !== this.shape.length)
        throw new MalformedFileError('chunks of another rank than their dataset');
      this.chunkIndex = chunkLookup(file, header, this.layout.index, this.layout.chunkShape);
    }
  }

  /** The selected rows, every other dimension whole, packed. */
  readRows(rows: RowSelection): Uint8Array {
    const rowBytes = product(this.shape.slice(1)) * this.elementBytes;
    const out = new Uint8Array(rows.count * rowBytes);
    const layout = this.layout;
    if (layout.kind === 'compact' || layout.kind === 'contiguous') {
      for (let k = 0; k < rows.count;) {
        // Consecutive rows are one read.
        const run = rows.stride === 1 ? rows.count : 1;
        const offset = (rows.start + k * rows.stride) * rowBytes;
        const length = run * rowBytes;
        if (layout.kind === 'compact') {
          if (offset + length > layout.data.length) throw new MalformedFileError('compact data shorter than its shape');
          out.set(layout.data.subarray(offset, offset + length), k * rowBytes);
        } else if (layout.address !== UNDEFINED_ADDRESS) {
          if (offset + length > layout.size) throw new MalformedFileError('contiguous data shorter than its shape');
          out.set(this.file.read(layout.address + offset, length), k * rowBytes);
        }
        k += run;
      }
      return out;
    }
    for (let k = 0; k < rows.count; k++) this.copyRowFromChunks(rows.start + k * rows.stride, out, k);
    return out;
  }

  private copyRowFromChunks(row: number, out: Uint8Array, outRow: number): void {
    const chunk = (this.layout as Extract<Layout, { kind: 'chunked' }>).chunkShape;
    const shape = this.shape;
    const rank = shape.length;
    const element = this.elementBytes;
    const rowElements = product(shape.slice(1));
    const chunkRowElements = product(chunk.slice(1));
    // Trailing dimensions a chunk spans whole are one run of bytes on both sides: (1, H, W, 3) chunks copy a frame
    // at once instead of one pixel at a time.
    let merged = rank - 1;
    while (merged > 1 && chunk[merged] === shape[merged]) merged--;
    const origin = shape.map(() => 0);
    origin[0] = Math.floor(row / chunk[0]!) * chunk[0]!;
    const localRow = row - origin[0];
    // Every chunk the row crosses along the other dimensions (one, when chunks span whole rows).
    for (;;) {
      const data = this.chunk(origin);
      if (data) {
        const extent = origin.map((start, d) => Math.min(chunk[d]!, shape[d]! - start));
        const runElements = rank > 1 ? extent[merged]! * product(shape.slice(merged + 1)) : 1;
        const inner = new Array<number>(rank).fill(0);
        for (;;) {
          let source = localRow * chunkRowElements;
          let target = outRow * rowElements;
          let chunkStride = 1;
          let rowStride = 1;
          for (let d = rank - 1; d >= 1; d--) {
            source += inner[d]! * chunkStride;
            target += (origin[d]! + inner[d]!) * rowStride;
            chunkStride *= chunk[d]!;
            rowStride *= shape[d]!;
          }
          out.set(data.subarray(source * element, (source + runElements) * element), target * element);
          let d = merged - 1;
          while (d >= 1 && ++inner[d]! >= extent[d]!) inner[d--] = 0;
          if (d < 1) break;
        }
      }
      let d = rank - 1;
      while (d >= 1 && (origin[d]! += chunk[d]!) >= shape[d]!) origin[d--] = 0;
      if (d < 1) return;
    }
  }

  /** A chunk's decoded bytes, or null when it was never written (it reads as zeros). */
  private chunk(origin: readonly number[]): Uint8Array | null {
    const key = origin.join(',');
    const cached = this.decoded.get(key);
    if (cached !== undefined) return cached;
    const layout = this.layout as Extract<Layout, { kind: 'chunked' }>;
    const bytes = product(layout.chunkShape) * this.elementBytes;
    const location = this.chunkIndex!.find(origin);
    const stored = location && this.file.read(location.address, location.size ?? bytes);
    const data = location ? decodeChunk(stored!, this.header.filters, location.filterMask, bytes) : null;
    if (this.decoded.size >= DECODED_CHUNKS_KEPT) this.decoded.delete(this.decoded.keys().next().value!);
    this.decoded.set(key, data);
    return data;
  }
}

/** Bytes of one variable-length element in the file: a length, then the heap collection's address and index. */
export const VLEN_REFERENCE_BYTES = 16;
const MAX_COLLECTION_BYTES = 1024 * 1024 * 1024;

/** The global heap collections of one file, each read once. */
export class GlobalHeap {
  private readonly collections = new Map<number, Map<number, Buffer>>();

  constructor(private readonly file: FileBytes) {}

  /** The object a variable-length reference points to, cut to `bytes` (its elements times their size). */
  resolve(reference: Uint8Array, elementBytes: number): Buffer {
    const cursor = new Cursor(Buffer.from(reference.buffer, reference.byteOffset, reference.byteLength));
    const length = cursor.u32();
    const collection = cursor.address();
    const index = cursor.u32();
    if (length === 0) return Buffer.alloc(0);
    const object = this.collection(collection).get(index);
    const bytes = length * elementBytes;
    if (!object || object.length < bytes) throw new MalformedFileError(`no heap object ${index} at ${collection}`);
    return object.subarray(0, bytes);
  }

  private collection(address: number): Map<number, Buffer> {
    const cached = this.collections.get(address);
    if (cached) return cached;
    const head = this.file.read(address, 16);
    if (head.toString('latin1', 0, 4) !== 'GCOL') throw new MalformedFileError('no global heap collection');
    const size = new Cursor(head, 8).length();
    if (size < 16 || size > MAX_COLLECTION_BYTES) throw new MalformedFileError('a global heap collection too large');
    const cursor = new Cursor(this.file.read(address, size), 16);
    const objects = new Map<number, Buffer>();
    while (cursor.remaining >= 16) {
      const index = cursor.u16();
      cursor.skip(6);
      const objectSize = cursor.length();
      if (index === 0) break; // free space to the end of the collection
      objects.set(index, cursor.bytes(objectSize));
      cursor.skip(Math.min(cursor.remaining, (8 - (objectSize % 8)) % 8));
    }
    this.collections.set(address, objects);
    return objects;
  }
}
