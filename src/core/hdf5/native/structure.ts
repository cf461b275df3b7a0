// The HDF5 file format's metadata, as h5py and HDF5 write it by default: superblock, object headers, groups and the
// messages that describe a dataset (dataspace, datatype, layout, filters, fill value) or an attribute.
// Format reference: the HDF5 File Format Specification, version 3.0. Anything outside the subset below throws
// UnsupportedFeatureError, and the file is read by HDF5 itself instead.
import type { FileBytes } from './fileBytes';
import { MalformedFileError, UnsupportedFeatureError } from './unsupported';

/** HDF5's "undefined address" (all bits set), as read by Cursor.address. */
export const UNDEFINED_ADDRESS = -1;
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** An object header's prefix, whatever its version: the rest is read once its size is known. */
const HEADER_PREFIX_BYTES = 64;
const MAX_HEADER_BLOCKS = 64;

const enum MessageType {
  Dataspace = 0x1,
  LinkInfo = 0x2,
  Datatype = 0x3,
  FillValueOld = 0x4,
  FillValue = 0x5,
  Link = 0x6,
  ExternalFiles = 0x7,
  Layout = 0x8,
  FilterPipeline = 0xb,
  Attribute = 0xc,
  Continuation = 0x10,
  SymbolTable = 0x11,
  AttributeInfo = 0x15,
}
/** Message flag: the message lives in a shared location (committed datatype, shared message table). */
const SHARED_MESSAGE = 0x02;

/** Little-endian reads from a buffer, for offsets and lengths of 8 bytes (the only size this reader accepts). */
export class Cursor {
  constructor(
    readonly buffer: Buffer,
    public position = 0,
  ) {}

  u8(): number {
    return this.buffer.readUInt8(this.advance(1));
  }
  u16(): number {
    return this.buffer.readUInt16LE(this.advance(2));
  }
  u32(): number {
    return this.buffer.readUInt32LE(this.advance(4));
  }
  /** An unsigned integer of `bytes` bytes (1, 2, 4 or 8), exact up to 2^53. */
  uint(bytes: number): number {
    if (bytes === 1) return this.u8();
    if (bytes === 2) return this.u16();
    if (bytes === 4) return this.u32();
    if (bytes === 8) return this.length();
    throw new MalformedFileError(`an integer of ${bytes} bytes`);
  }
  /** A length or count of 8 bytes. */
  length(): number {
    const low = this.u32();
    const high = this.u32();
    if (high > 0x1fffff) throw new UnsupportedFeatureError('a size beyond 2^53');
    return high * 2 ** 32 + low;
  }
  /** A file address of 8 bytes, UNDEFINED_ADDRESS when unset. */
  address(): number {
    const low = this.buffer.readUInt32LE(this.position);
    const high = this.buffer.readUInt32LE(this.position + 4);
    if (low === 0xffffffff && high === 0xffffffff) {
      this.position += 8;
      return UNDEFINED_ADDRESS;
    }
    return this.length();
  }
  bytes(count: number): Buffer {
    const start = this.advance(count);
    return this.buffer.subarray(start, start + count);
  }
  skip(count: number): void {
    this.advance(count);
  }
  get remaining(): number {
    return this.buffer.length - this.position;
  }
  private advance(count: number): number {
    const start = this.position;
    if (start + count > this.buffer.length) throw new MalformedFileError('a structure ends early');
    this.position += count;
    return start;
  }
}

function expectSignature(buffer: Buffer, signature: string, what: string): void {
  if (buffer.toString('latin1', 0, 4) !== signature) throw new MalformedFileError(`${what} has no ${signature}`);
}

export interface Superblock {
  /** The root group's object header. */
  readonly rootAddress: number;
}

export interface SymbolTable {
  readonly btreeAddress: number;
  readonly heapAddress: number;
}

/**
 * The superblock at offset 0. A file shorter than the end-of-file address it records is truncated: HDF5 reports
 * that itself (with both sizes), so it is refused here.
 */
export function readSuperblock(file: FileBytes): Superblock {
  const head = file.readUpTo(0, 96);
  if (head.length < 16 || !head.subarray(0, 8).equals(SIGNATURE)) {
    throw new UnsupportedFeatureError('no superblock at offset 0 (a user block, or not HDF5)');
  }
  const cursor = new Cursor(head, 8);
  const version = cursor.u8();
  if (version <= 1) {
    cursor.skip(4); // free-space, root entry and shared-header versions, reserved
    const offsets = cursor.u8();
    const lengths = cursor.u8();
    if (offsets !== 8 || lengths !== 8) throw new UnsupportedFeatureError('offsets or lengths other than 8 bytes');
    cursor.skip(1 + 2 + 2 + 4 + (version === 1 ? 4 : 0));
    const base = cursor.address();
    cursor.address(); // free-space info
    const endOfFile = cursor.address();
    cursor.address(); // driver info
    assertWhole(file, base, endOfFile);
    cursor.length(); // root entry: link name offset
    return { rootAddress: cursor.address() };
  }
  if (version === 2 || version === 3) {
    const offsets = cursor.u8();
    const lengths = cursor.u8();
    if (offsets !== 8 || lengths !== 8) throw new UnsupportedFeatureError('offsets or lengths other than 8 bytes');
    cursor.skip(1);
    const base = cursor.address();
    const extension = cursor.address();
    if (extension !== UNDEFINED_ADDRESS) throw new UnsupportedFeatureError('a superblock extension');
    const endOfFile = cursor.address();
    assertWhole(file, base, endOfFile);
    return { rootAddress: cursor.address() };
  }
  throw new UnsupportedFeatureError(`superblock version ${version}`);
}

function assertWhole(file: FileBytes, base: number, endOfFile: number): void {
  if (base !== 0) throw new UnsupportedFeatureError('a base address other than 0');
  if (endOfFile === UNDEFINED_ADDRESS || endOfFile > file.size) throw new MalformedFileError('truncated');
}

export interface Message {
  readonly type: number;
  readonly flags: number;
  readonly body: Buffer;
}

/** Every message of the object header at `address`, continuation blocks included, in order. */
export function readObjectHeader(file: FileBytes, address: number): Message[] {
  const first = file.readUpTo(address, HEADER_PREFIX_BYTES);
  if (first.toString('latin1', 0, 4) === 'OHDR') return readHeaderVersion2(file, address, first);
  if (first.length < 16 || first[0] !== 1) throw new MalformedFileError(`no object header at ${address}`);
  const size = first.readUInt32LE(8);
  const block = first.length >= 16 + size ? first.subarray(16, 16 + size) : file.read(address + 16, size);
  const messages: Message[] = [];
  const pending = parseVersion1Messages(block, messages);
  for (let blocks = 0; pending.length > 0; blocks++) {
    if (blocks >= MAX_HEADER_BLOCKS) throw new MalformedFileError('an object header with endless continuations');
    const { offset, length } = pending.shift()!;
    pending.push(...parseVersion1Messages(file.read(offset, length), messages));
  }
  return messages;
}

interface Continuation {
  readonly offset: number;
  readonly length: number;
}

function continuation(body: Buffer): Continuation {
  const cursor = new Cursor(body);
  return { offset: cursor.address(), length: cursor.length() };
}

function parseVersion1Messages(block: Buffer, messages: Message[]): Continuation[] {
  const continuations: Continuation[] = [];
  const cursor = new Cursor(block);
  while (cursor.remaining >= 8) {
    const type = cursor.u16();
    const size = cursor.u16();
    const flags = cursor.u8();
    cursor.skip(3);
    const body = cursor.bytes(size);
    if (type === MessageType.Continuation) continuations.push(continuation(body));
    else messages.push({ type, flags, body });
  }
  return continuations;
}

function readHeaderVersion2(file: FileBytes, address: number, first: Buffer): Message[] {
  const cursor = new Cursor(first, 4);
  if (cursor.u8() !== 2) throw new MalformedFileError('an object header version other than 2 after OHDR');
  const flags = cursor.u8();
  if (flags & 0x20) cursor.skip(16); // access, modification, change and birth times
  if (flags & 0x10) cursor.skip(4); // attribute storage phase change values
  const chunkSize = cursor.uint(1 << (flags & 0x03));
  const start = cursor.position;
  const end = start + chunkSize;
  const block = first.length >= end ? first : file.read(address, end);
  const creationOrder = (flags & 0x04) !== 0;
  const messages: Message[] = [];
  const pending = parseVersion2Messages(block.subarray(start, end), creationOrder, messages);
  for (let blocks = 0; pending.length > 0; blocks++) {
    if (blocks >= MAX_HEADER_BLOCKS) throw new MalformedFileError('an object header with endless continuations');
    const { offset, length } = pending.shift()!;
    const chunk = file.read(offset, length);
    expectSignature(chunk, 'OCHK', 'an object header continuation');
    pending.push(...parseVersion2Messages(chunk.subarray(4, length - 4), creationOrder, messages));
  }
  return messages;
}

function parseVersion2Messages(block: Buffer, creationOrder: boolean, messages: Message[]): Continuation[] {
  const continuations: Continuation[] = [];
  const headerBytes = creationOrder ? 6 : 4;
  const cursor = new Cursor(block);
  // Fewer bytes than a message header left over are the gap before the checksum.
  while (cursor.remaining >= headerBytes) {
    const type = cursor.u8();
    const size = cursor.u16();
    const flags = cursor.u8();
    if (creationOrder) cursor.skip(2);
    const body = cursor.bytes(size);
    if (type === MessageType.Continuation) continuations.push(continuation(body));
    else if (type !== 0) messages.push({ type, flags, body });
  }
  return continuations;
}

/**
 * The hard links of a group in the order HDF5 lists them: by creation order where the group tracks it, else by
 * name. A soft or external link is left to HDF5.
 */
export function groupLinks(file: FileBytes, messages: readonly Message[]): Map<string, number> | undefined {
  const table = messages.find((message) => message.type === MessageType.SymbolTable);
  if (table) {
    const cursor = new Cursor(table.body);
    return sortedByName(symbolTableLinks(file, { btreeAddress: cursor.address(), heapAddress: cursor.address() }));
  }
  const info = messages.find((message) => message.type === MessageType.LinkInfo);
  if (!info && !messages.some((message) => message.type === MessageType.Link)) return undefined;
  let creationOrderTracked = false;
  if (info) {
    const cursor = new Cursor(info.body, 1);
    const flags = cursor.u8();
    creationOrderTracked = (flags & 0x01) !== 0;
    if (creationOrderTracked) cursor.skip(8);
    if (cursor.address() !== UNDEFINED_ADDRESS) throw new UnsupportedFeatureError('dense link storage');
  }
  const links = messages
    .filter((message) => message.type === MessageType.Link)
    .map((message) => parseLink(message.body));
  if (!creationOrderTracked) return sortedByName(new Map(links.map((link) => [link.name, link.address])));
  links.sort((a, b) => a.creationOrder - b.creationOrder);
  return new Map(links.map((link) => [link.name, link.address]));
}

/** HDF5's order of names: byte by byte (for the ASCII names of episodes, the same as comparing UTF-16 units). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedByName(links: Map<string, number>): Map<string, number> {
  return new Map([...links].sort(([a], [b]) => compareNames(a, b)));
}

function parseLink(body: Buffer): { name: string; address: number; creationOrder: number } {
  const cursor = new Cursor(body);
  if (cursor.u8() !== 1) throw new MalformedFileError('a link message version other than 1');
  const flags = cursor.u8();
  const linkType = flags & 0x08 ? cursor.u8() : 0;
  const creationOrder = flags & 0x04 ? cursor.length() : 0;
  if (flags & 0x10) cursor.skip(1);
  const name = cursor.bytes(cursor.uint(1 << (flags & 0x03))).toString('utf8');
  if (linkType !== 0) throw new UnsupportedFeatureError('a soft or external link');
  return { name, address: cursor.address(), creationOrder };
}

/** A version 1 B-tree of group nodes: every symbol table node's entries, names read from the local heap. */
export function symbolTableLinks(file: FileBytes, table: SymbolTable): Map<string, number> {
  const heap = file.read(table.heapAddress, 32);
  expectSignature(heap, 'HEAP', 'a local heap');
  const heapCursor = new Cursor(heap, 8);
  const heapSize = heapCursor.length();
  heapCursor.skip(8);
  const names = file.read(heapCursor.address(), heapSize);
  const links = new Map<string, number>();
  const visited = new Set<number>();
  const visit = (address: number, depth: number): void => {
    if (depth > 32) throw new MalformedFileError('a group B-tree deeper than 32 levels');
    // A damaged tree can point back at a node it came from.
    if (visited.has(address)) throw new MalformedFileError('a group B-tree with a cycle');
    visited.add(address);
    const head = file.read(address, 24);
    expectSignature(head, 'TREE', 'a group B-tree node');
    if (head[4] !== 0) throw new MalformedFileError('a group B-tree node of another type');
    const level = head[5]!;
    const used = head.readUInt16LE(6);
    const cursor = new Cursor(file.read(address + 24, (used + 1) * 8 + used * 8));
    for (let i = 0; i < used; i++) {
      cursor.skip(8);
      const child = cursor.address();
      if (level > 0) visit(child, depth + 1);
      else readSymbolNode(file, child, names, links);
    }
  };
  visit(table.btreeAddress, 0);
  return links;
}

const SYMBOL_ENTRY_BYTES = 40;

function readSymbolNode(file: FileBytes, address: number, names: Buffer, links: Map<string, number>): void {
  const head = file.read(address, 8);
  expectSignature(head, 'SNOD', 'a symbol table node');
  const count = head.readUInt16LE(6);
  const cursor = new Cursor(file.read(address + 8, count * SYMBOL_ENTRY_BYTES));
  for (let i = 0; i < count; i++) {
    const nameOffset = cursor.length();
    const objectAddress = cursor.address();
    cursor.skip(24);
    const end = names.indexOf(0, nameOffset);
    if (nameOffset >= names.length || end < 0) throw new MalformedFileError('a link name outside its heap');
    links.set(names.toString('utf8', nameOffset, end), objectAddress);
  }
}

export interface Datatype {
  /** HDF5's class: 0 integer, 1 float, 3 string, 6 compound, 8 enum, 9 variable-length, others. */
  readonly typeClass: number;
  readonly size: number;
  readonly littleEndian: boolean;
  readonly signed: boolean;
  /** Strings: 0 null-terminated, 1 null-padded, 2 space-padded. */
  readonly padding: number;
  /** Enums and variable-length types: the type of their values or elements. */
  readonly base?: Datatype;
  /** Variable-length types: a sequence of `base`, or a string. */
  readonly variableString?: boolean;
}

export function parseDatatype(cursor: Cursor): Datatype {
  const classAndVersion = cursor.u8();
  const typeClass = classAndVersion & 0x0f;
  const bits = cursor.u8() | (cursor.u8() << 8) | (cursor.u8() << 16);
  const size = cursor.u32();
  const plain = { typeClass, size, littleEndian: (bits & 0x01) === 0, signed: false, padding: 0 };
  switch (typeClass) {
    case 0:
      cursor.skip(4);
      return { ...plain, signed: (bits & 0x08) !== 0 };
    case 1:
      if (bits & 0x40) throw new UnsupportedFeatureError('a VAX float');
      cursor.skip(12);
      return plain;
    case 3:
      return { ...plain, littleEndian: true, padding: bits & 0x0f };
    case 8:
      return { ...plain, base: parseDatatype(cursor) };
    case 9:
      return {
        ...plain,
        littleEndian: true,
        variableString: (bits & 0x0f) === 1,
        padding: (bits >> 4) & 0x0f,
        base: parseDatatype(cursor),
      };
    default:
      return plain;
  }
}

export interface Dataspace {
  /** Current dimensions; [] for a scalar or null dataspace. */
  readonly shape: number[];
  /** Maximum dimensions (the current ones when not stored); UNDEFINED_ADDRESS for an unlimited one. */
  readonly maxShape: number[];
}

export function parseDataspace(cursor: Cursor): Dataspace {
  const version = cursor.u8();
  const rank = cursor.u8();
  const flags = cursor.u8();
  if (version === 1) cursor.skip(5);
  else if (version === 2)
    cursor.u8(); // type: scalar, simple or null; rank 0 for the first and last
  else throw new MalformedFileError(`dataspace version ${version}`);
  const shape = Array.from({ length: rank }, () => cursor.length());
  const maxShape = flags & 0x01 ? Array.from({ length: rank }, () => cursor.address()) : shape;
  return { shape, maxShape };
}

/** Where a chunked dataset's chunks are listed. */
export type ChunkIndexInfo =
  /** A version 1 B-tree (superblocks 0–2, and any file HDF5 writes for the earliest format). */
  | { readonly type: 'btree-v1'; readonly address: number }
  /** One chunk for the whole dataset; `filteredSize` is its stored size when filtered. */
  | { readonly type: 'single'; readonly address: number; readonly filteredSize?: number; readonly filterMask: number }
  /** A fixed array of chunk entries (the latest format, no unlimited dimension). */
  | { readonly type: 'fixed-array'; readonly address: number };

export type Layout =
  | { readonly kind: 'compact'; readonly data: Buffer }
  | { readonly kind: 'contiguous'; readonly address: number; readonly size: number }
  /** `chunkShape` in elements, without the element-size dimension. */
  | { readonly kind: 'chunked'; readonly chunkShape: number[]; readonly index: ChunkIndexInfo };

function parseLayout(body: Buffer): Layout {
  const cursor = new Cursor(body);
  const version = cursor.u8();
  if (version !== 3 && version !== 4) throw new UnsupportedFeatureError(`layout message version ${version}`);
  const layoutClass = cursor.u8();
  if (layoutClass === 0) return { kind: 'compact', data: cursor.bytes(cursor.u16()) };
  if (layoutClass === 1) return { kind: 'contiguous', address: cursor.address(), size: cursor.length() };
  if (layoutClass !== 2) throw new UnsupportedFeatureError(`layout class ${layoutClass}`);
  if (version === 3) {
    const dimensions = cursor.u8();
    const address = cursor.address();
    const sizes = Array.from({ length: dimensions }, () => cursor.u32());
    return { kind: 'chunked', chunkShape: sizes.slice(0, -1), index: { type: 'btree-v1', address } };
  }
  const flags = cursor.u8();
  const dimensions = cursor.u8();
  const sizeBytes = cursor.u8();
  const chunkShape = Array.from({ length: dimensions }, () => cursor.uint(sizeBytes)).slice(0, -1);
  const indexType = cursor.u8();
  if (indexType === 1) {
    const filtered = (flags & 0x02) !== 0;
    const filteredSize = filtered ? cursor.length() : undefined;
    const filterMask = filtered ? cursor.u32() : 0;
    return {
      kind: 'chunked',
      chunkShape,
      index: { type: 'single', filteredSize, filterMask, address: cursor.address() },
    };
  }
  if (indexType === 3) {
    cursor.u8(); // page bits: the fixed array's header says it again
    return { kind: 'chunked', chunkShape, index: { type: 'fixed-array', address: cursor.address() } };
  }
  throw new UnsupportedFeatureError(`chunk index type ${indexType}`);
}

export interface PipelineFilter {
  readonly id: number;
  readonly name: string;
  readonly clientData: number[];
}

const FILTER_NAMES: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32' };
/** Filters decoded natively: deflate (node's zlib) and shuffle. */
export const NATIVE_FILTERS: ReadonlySet<number> = new Set([1, 2]);

function parseFilterPipeline(body: Buffer): PipelineFilter[] {
  const cursor = new Cursor(body);
  const version = cursor.u8();
  const count = cursor.u8();
  if (version === 1) cursor.skip(6);
  else if (version !== 2) throw new MalformedFileError(`filter pipeline version ${version}`);
  const filters: PipelineFilter[] = [];
  for (let i = 0; i < count; i++) {
    const id = cursor.u16();
    const nameLength = version === 1 || id >= 256 ? cursor.u16() : 0;
    cursor.u16(); // flags: optional or mandatory
    const values = cursor.u16();
    const rawName = nameLength > 0 ? cursor.bytes(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength) : null;
    const clientData = Array.from({ length: values }, () => cursor.u32());
    if (version === 1 && values % 2 === 1) cursor.skip(4);
    const stored = rawName ? rawName.toString('latin1').replace(/\0.*$/s, '') : '';
    filters.push({ id, name: stored || FILTER_NAMES[id] || '', clientData });
  }
  return filters;
}

/** True when a fill value message sets anything other than zeros (which chunks never written would read as). */
function nonZeroFill(message: Message): boolean {
  const cursor = new Cursor(message.body);
  let defined = true;
  if (message.type === MessageType.FillValue) {
    const version = cursor.u8();
    if (version === 3) {
      const flags = cursor.u8();
      defined = (flags & 0x20) !== 0;
    } else {
      cursor.skip(2); // space allocation and fill value write times
      defined = cursor.u8() !== 0;
    }
  }
  if (!defined || cursor.remaining < 4) return false;
  const size = cursor.u32();
  // 0xffffffff: the library's default, which is zeros.
  return size !== 0xffffffff && cursor.bytes(size).some((byte) => byte !== 0);
}

export interface DatasetHeader {
  readonly dataspace: Dataspace;
  readonly datatype: Datatype;
  readonly layout: Layout;
  readonly filters: PipelineFilter[];
}

/** The dataset description in an object header, or undefined when the object is not a dataset. */
export function datasetHeader(messages: readonly Message[]): DatasetHeader | undefined {
  let dataspace: Dataspace | undefined;
  let datatype: Datatype | undefined;
  let layout: Layout | undefined;
  let filters: PipelineFilter[] = [];
  for (const message of messages) {
    const shareable = [MessageType.Dataspace, MessageType.Datatype, MessageType.FillValue, MessageType.FilterPipeline];
    if (message.flags & SHARED_MESSAGE && shareable.includes(message.type))
      throw new UnsupportedFeatureError('a shared or committed message');
    if (message.type === MessageType.Dataspace) dataspace = parseDataspace(new Cursor(message.body));
    else if (message.type === MessageType.Datatype) datatype = parseDatatype(new Cursor(message.body));
    else if (message.type === MessageType.Layout) layout = parseLayout(message.body);
    else if (message.type === MessageType.FilterPipeline) filters = parseFilterPipeline(message.body);
    else if (message.type === MessageType.ExternalFiles) throw new UnsupportedFeatureError('external storage');
    else if (message.type === MessageType.FillValue || message.type === MessageType.FillValueOld) {
      if (nonZeroFill(message)) throw new UnsupportedFeatureError('a fill value other than zeros');
    }
  }
  if (!layout) return undefined;
  if (!dataspace || !datatype) throw new MalformedFileError('a dataset without its dataspace or datatype');
  return { dataspace, datatype, layout, filters };
}

export interface StoredAttribute {
  readonly name: string;
  readonly datatype: Datatype;
  readonly dataspace: Dataspace;
  readonly data: Buffer;
}

/** The attributes stored in an object header (dense attribute storage is left to HDF5). */
export function headerAttributes(messages: readonly Message[]): StoredAttribute[] {
  const info = messages.find((message) => message.type === MessageType.AttributeInfo);
  if (info) {
    const cursor = new Cursor(info.body, 1);
    if (cursor.u8() & 0x01) cursor.skip(2);
    if (cursor.address() !== UNDEFINED_ADDRESS) throw new UnsupportedFeatureError('dense attribute storage');
  }
  return messages.filter((message) => message.type === MessageType.Attribute).map(parseAttribute);
}

function parseAttribute(message: Message): StoredAttribute {
  const cursor = new Cursor(message.body);
  const version = cursor.u8();
  const flags = cursor.u8();
  if (flags & 0x03) throw new UnsupportedFeatureError('an attribute with a shared datatype or dataspace');
  const nameSize = cursor.u16();
  const datatypeSize = cursor.u16();
  const dataspaceSize = cursor.u16();
  if (version === 3)
    cursor.skip(1); // name character set
  else if (version !== 1 && version !== 2) throw new MalformedFileError(`attribute message version ${version}`);
  const padded = (size: number) => (version === 1 ? Math.ceil(size / 8) * 8 : size);
  const nameBytes = cursor.bytes(padded(nameSize));
  const name = nameBytes.toString('utf8', 0, Math.max(0, nameSize - 1));
  const typeStart = cursor.position;
  const datatype = parseDatatype(new Cursor(cursor.buffer, typeStart));
  cursor.position = typeStart + padded(datatypeSize);
  const spaceStart = cursor.position;
  const dataspace = parseDataspace(new Cursor(cursor.buffer, spaceStart));
  cursor.position = spaceStart + padded(dataspaceSize);
  return { name, datatype, dataspace, data: cursor.buffer.subarray(cursor.position) };
}
