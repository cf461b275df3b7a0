// Reads the directory and single entries of a zip file (what torch.save writes) without loading the whole file.
import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record (22 bytes) plus the longest comment a zip may have. */
const TAIL_BYTES = 22 + 65_535;

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

/** The central directory of the zip open in `handle`, `size` bytes long. Zip64 (over 4 GB) is refused. */
export async function zipEntries(handle: FileHandle, size: number): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, size - TAIL_BYTES);
  const tail = await readAt(handle, tailStart, size - tailStart);
  let eocd = -1;
  for (let offset = tail.length - 22; offset >= 0; offset--) {
    if (tail.readUInt32LE(offset) === EOCD) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('it is not a zip archive (torch.save writes one)');
  const count = tail.readUInt16LE(eocd + 10);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (directoryOffset === 0xffffffff || count === 0xffff)
    throw new ZipFormatError('it is a zip64 archive, far larger than a latent file');
  const directory =
    directoryOffset >= tailStart
      ? tail.subarray(directoryOffset - tailStart)
      : await readAt(handle, directoryOffset, size - directoryOffset);
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > directory.length || directory.readUInt32LE(offset) !== CENTRAL)
      throw new ZipFormatError('its zip directory is damaged');
    const nameLength = directory.readUInt16LE(offset + 28);
    entries.push({
      method: directory.readUInt16LE(offset + 10),
      compressedSize: directory.readUInt32LE(offset + 20),
      size: directory.readUInt32LE(offset + 24),
      localHeaderOffset: directory.readUInt32LE(offset + 42),
      name: directory.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + directory.readUInt16LE(offset + 30) + directory.readUInt16LE(offset + 32);
  }
  return entries;
}

/** Where an entry's bytes start in the file, checking that they all lie inside it. */
export async function entryDataOffset(handle: FileHandle, size: number, entry: ZipEntry): Promise<number> {
  const header = await readAt(handle, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
    throw new ZipFormatError(`its entry ${entry.name} is damaged`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > size)
    throw new ZipFormatError(`its entry ${entry.name} is cut short (the file is truncated)`);
  return start;
}

/** The uncompressed bytes of a small entry (stored, as torch writes it, or deflated). */
export async function readEntry(handle: FileHandle, size: number, entry: ZipEntry): Promise<Buffer> {
  const start = await entryDataOffset(handle, size, entry);
  const data = await readAt(handle, start, entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new ZipFormatError(`its entry ${entry.name} uses zip method ${entry.method}`);
}
