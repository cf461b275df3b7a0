// Works out why HDF5 refused to open a file (h5wasm only says "name not defined") and says it plainly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Hdf5FormatError } from './errors';

/** The 8-byte signature that starts an HDF5 superblock, at offset 0, 512, 1024, 2048, … */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

const TRUNCATED = /truncated file: eof = (\d+),.*stored_eof = (\d+)/;

function formatBytes(bytes: number): string {
  return bytes.toLocaleString('en-US');
}

/** True when an HDF5 signature sits at one of the offsets where HDF5 looks for a superblock. */
export function hasHdf5Signature(file: string, size: number): boolean {
  const handle = fs.openSync(file, 'r');
  try {
    const probe = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (fs.readSync(handle, probe, 0, probe.length, offset) === probe.length && probe.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    fs.closeSync(handle);
  }
}

/**
 * Why `file` is not a regular file HDF5 may open, or undefined when it is one (or is missing: HDF5's own
 * failure says that). A FIFO or a device named .hdf5 would block the reader forever or read without end.
 */
export function notRegularFile(file: string): Hdf5FormatError | undefined {
  let stat: fs.Stats;
  try {
    // Synchronous, as the HDF5 open that follows is: a scan opens thousands of files, and an awaited stat per file
    // left the thread idle for a third of a millisecond each.
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (stat.isFile()) return undefined;
  const kind = stat.isDirectory()
    ? 'a folder'
    : stat.isFIFO()
      ? 'a named pipe (FIFO)'
      : stat.isSocket()
        ? 'a socket'
        : 'a device';
  return new Hdf5FormatError(
    file,
    `${path.basename(file)} is ${kind}, not an HDF5 file; it was not opened.`,
    'Rename or remove it so that it does not end in .hdf5 or .h5.',
    'not-hdf5',
  );
}

/** The typed error for a file that HDF5 could not open, using the file itself and HDF5's own diagnostics. */
export function explainOpenFailure(file: string, diagnostics: string): Hdf5FormatError {
  const name = path.basename(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? new Hdf5FormatError(
          file,
          `${name} does not exist (any more).`,
          'Refresh the dataset; the file was moved or deleted.',
          'missing-file',
        )
      : new Hdf5FormatError(
          file,
          `${name} cannot be read (${code ?? 'unknown error'}).`,
          "Check the file's permissions.",
          'unreadable',
        );
  }
  if (stat.isDirectory()) {
    return new Hdf5FormatError(
      file,
      `${name} is a folder, not an HDF5 file.`,
      'Rename it so that it does not end in .hdf5 or .h5.',
      'not-hdf5',
    );
  }
  if (stat.size === 0) {
    return new Hdf5FormatError(
      file,
      `${name} is empty (0 bytes).`,
      'Copy the episode again; the recording or the transfer was interrupted.',
      'truncated',
    );
  }
  const truncated = TRUNCATED.exec(diagnostics);
  if (truncated) {
    return new Hdf5FormatError(
      file,
      `${name} is truncated: ${formatBytes(Number(truncated[1]))} of ${formatBytes(Number(truncated[2]))} bytes are on disk.`,
      'Copy the episode again; the recording or the transfer was interrupted.',
      'truncated',
    );
  }
  let signed: boolean;
  try {
    signed = hasHdf5Signature(file, stat.size);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return new Hdf5FormatError(
      file,
      `${name} cannot be read (${code ?? 'unknown error'}).`,
      "Check the file's permissions.",
      'unreadable',
    );
  }
  if (!signed) {
    return new Hdf5FormatError(
      file,
      `${name} is not an HDF5 file (no HDF5 signature in it).`,
      'Remove it from the dataset folder, or re-export the episode as HDF5.',
      'not-hdf5',
    );
  }
  const reason = lastDiagnosticDetail(diagnostics);
  return new Hdf5FormatError(
    file,
    `${name} is damaged: HDF5 cannot open it${reason ? ` (${reason})` : ''}.`,
    'Copy the episode again, or check it with h5dump/h5py on the machine that recorded it.',
    'unreadable',
  );
}

/**
 * The most specific line of an HDF5 error stack: the innermost frame's message, e.g.
 * "H5F__super_read(): truncated file …" → "truncated file …". Empty when there is none.
 */
export function lastDiagnosticDetail(diagnostics: string): string {
  const frames = [...diagnostics.matchAll(/#\d+: .* in \w+\(\): (.+)$/gm)].map((match) => match[1]!.trim());
  return frames.at(-1) ?? '';
}
