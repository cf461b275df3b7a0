// Positioned reads of one file for the native reader, checked for length. Small reads (object headers, B-tree
// nodes, heaps, small chunks) are served from a few cached 8 KiB blocks: the metadata of an h5py file sits in a few
// places, and one block read replaces the dozen preads its structures would take one by one.
import * as fs from 'node:fs';
import { MalformedFileError } from './unsupported';

const BLOCK_BYTES = 8192;
const BLOCKS_KEPT = 16;

export class FileBytes {
  private readonly blocks = new Map<number, Buffer>();

  private constructor(
    private readonly descriptor: number,
    /** Bytes in the file when it was opened. */
    readonly size: number,
  ) {}

  static open(file: string): FileBytes {
    const descriptor = fs.openSync(file, fs.constants.O_RDONLY);
    try {
      return new FileBytes(descriptor, fs.fstatSync(descriptor).size);
    } catch (error) {
      fs.closeSync(descriptor);
      throw error;
    }
  }

  /**
   * Exactly `length` bytes at `offset`; a read past the end of the file is damage, not a short answer. The bytes may
   * be shared with later reads: callers copy what they keep and never write to them.
   */
  read(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new MalformedFileError(`${length} bytes at ${offset} lie past the end of the file (${this.size} bytes)`);
    }
    const index = Math.floor(offset / BLOCK_BYTES);
    if (length > 0 && index === Math.floor((offset + length - 1) / BLOCK_BYTES)) {
      const start = offset - index * BLOCK_BYTES;
      return this.block(index).subarray(start, start + length);
    }
    return this.pread(offset, length);
  }

  /** Up to `length` bytes at `offset`, fewer where the file ends (for reads sized by a guess). */
  readUpTo(offset: number, length: number): Buffer {
    return this.read(offset, Math.max(0, Math.min(length, this.size - offset)));
  }

  close(): void {
    fs.closeSync(this.descriptor);
  }

  private block(index: number): Buffer {
    let block = this.blocks.get(index);
    if (!block) {
      const offset = index * BLOCK_BYTES;
      block = this.pread(offset, Math.min(BLOCK_BYTES, this.size - offset));
      if (this.blocks.size >= BLOCKS_KEPT) this.blocks.delete(this.blocks.keys().next().value!);
      this.blocks.set(index, block);
    }
    return block;
  }

  private pread(offset: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const got = fs.readSync(this.descriptor, buffer, done, length - done, offset + done);
      if (got === 0) throw new MalformedFileError(`the file ended at ${offset + done} while being read`);
      done += got;
    }
    return buffer;
  }
}
