// Typed errors of the HDF5 reader: each names the file (and dataset) and says what to do next.
import * as path from 'node:path';
import { UserFacingError } from '../errors';

/**
 * Stable codes, shared with dataset problems and the CLI's JSON:
 * the file cannot be opened at all (`missing-file`, `not-hdf5`, `truncated`, `unreadable`), or one dataset
 * cannot be read (`unknown-filter`, `chunk-too-large`, `read-failed`, `short-read`, `corrupt-frame`,
 * `unsupported-layout`), or the caller
 * asked for something absent.
 */
export type Hdf5ErrorCode =
  | 'missing-file'
  | 'not-hdf5'
  | 'truncated'
  | 'unreadable'
  | 'unknown-filter'
  | 'chunk-too-large'
  | 'read-failed'
  | 'short-read'
  | 'corrupt-frame'
  | 'unsupported-layout'
  | 'no-such-camera'
  | 'no-such-array'
  | 'bad-index';

export class Hdf5Error extends UserFacingError {
  constructor(
    readonly file: string,
    message: string,
    hint: string | undefined,
    override readonly code: Hdf5ErrorCode,
  ) {
    super(message, hint, code);
  }
}

/** The file cannot be opened as HDF5: missing, not HDF5, truncated or otherwise unreadable. */
export class Hdf5FormatError extends Hdf5Error {}

/**
 * One dataset cannot be read: its compression filter is unknown, its chunks are damaged, or a slice came back short.
 */
export class Hdf5DatasetError extends Hdf5Error {
  constructor(
    file: string,
    readonly dataset: string,
    message: string,
    hint: string | undefined,
    code: Hdf5ErrorCode,
  ) {
    super(file, message, hint, code);
  }
}

export class UnknownFilterError extends Hdf5DatasetError {
  constructor(
    file: string,
    dataset: string,
    readonly filterId: number,
    readonly filterName: string,
  ) {
    const named = filterName ? ` ("${filterName}")` : '';
    super(
      file,
      dataset,
      `${path.basename(file)}: dataset ${dataset} is compressed with HDF5 filter ${filterId}${named}, which no installed plugin decodes.`,
      'Re-save the episode with gzip, LZF, Blosc, Zstandard, Bitshuffle or LZ4 compression (e.g. h5repack -f GZIP=4).',
      'unknown-filter',
    );
  }
}

/** The caller asked for a camera, array or frame that the episode does not have. */
export class Hdf5LookupError extends Hdf5Error {}
