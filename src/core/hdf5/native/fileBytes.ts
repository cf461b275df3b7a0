// Positioned reads of one file for the native reader: one pread each, checked for length.
import * as fs from 'node:fs';
import { MalformedFileError } from './unsupported';

export class FileBytes {
  private constructor(
    private readonly descriptor: number,
    /** Bytes in the file when it was opened. */
    readonly size: number,
  ) {}

  static open(file: string): FileBytes {
    const descriptor = fs.openSync(file, 'r');
    try {
      return new FileBytes(descriptor, fs.fstatSync(descriptor).size);
    } catch (error) {
      fs.closeSync(descriptor);
      throw error;
    }
  }

  /** Exactly `length` bytes at `offset`; a read past the end of the file is damage, not a short answer. */
  read(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new MalformedFileError(`${length} bytes at ${offset} lie past the end of the file (${this.size} bytes)`);
    }
    return this.readUpTo(offset, length);
  }

  /** Up to `length` bytes at `offset`, fewer where the file ends (for reads sized by a guess). */
  readUpTo(offset: number, length: number): Buffer {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    const buffer = Buffer.allocUnsafe(wanted);
    let done = 0;
    while (done < wanted) {
      const got = fs.readSync(this.descriptor, buffer, done, wanted - done, offset + done);
      if (got === 0) throw new MalformedFileError(`the file ended at ${offset + done} while being read`);
      done += got;
    }
    return buffer;
  }

  close(): void {
    fs.closeSync(this.descriptor);
  }
}
