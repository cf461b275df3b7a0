// Reads one camera's frames in whatever form they are stored (raw RGB, padded JPEG rows, vlen JPEG).
import * as path from 'node:path';
import { inspectJpeg, jpegFromPaddedRow, JpegStructureError } from '../image/jpeg';
import { Hdf5DatasetError, Hdf5Error } from './errors';
import type { CameraDataset, CameraInfo } from './layout';
import { readRowSelection, readVlenBytes, rowLength, type RowSelection } from './slice';
import type { Hdf5Source } from './source';

/** One camera frame: JPEG bytes as stored (padding removed), or raw RGB pixels row by row. */
export type Frame =
  | { readonly encoding: 'jpeg'; readonly bytes: Uint8Array; readonly width: number; readonly height: number }
  | {
      readonly encoding: 'raw';
      readonly bytes: Uint8Array;
      readonly width: number;
      readonly height: number;
      readonly channels: 3;
    };

/** The per-frame JPEG lengths for this camera (a row of /compress_len), when the file stores them. */
export type JpegLengths = () => ArrayLike<number> | undefined;

export class CameraFrames {
  readonly info: CameraInfo;
  /** Frame 0 of a JPEG camera, read for the image size; validation asks for it again right after. */
  private firstFrame?: Frame | Hdf5Error;

  constructor(
    private readonly source: Hdf5Source,
    private readonly file: string,
    private readonly stored: CameraDataset,
    private readonly jpegLengths: JpegLengths,
    /** An error already known for this dataset (e.g. an unknown filter): frames are not read for the size. */
    knownIssue: boolean,
    issues: Hdf5Error[],
  ) {
    const { info, storage, name } = stored;
    const frames = info.shape[0] ?? 0;
    const base = { name, dataset: info.path, frames, storage, filter: info.filter };
    if (storage === 'raw') {
      this.info = { ...base, height: info.shape[1]!, width: info.shape[2]!, encoding: 'raw' };
      return;
    }
    let size = { width: 0, height: 0 };
    if (frames > 0 && !knownIssue) {
      try {
        const [row] = this.readRows({ start: 0, count: 1, stride: 1 });
        this.firstFrame = this.toFrame(row!, 0, 'jpeg');
        if (!(this.firstFrame instanceof Hdf5Error)) size = this.firstFrame;
      } catch (error) {
        if (!(error instanceof Hdf5Error)) throw error;
        issues.push(error);
      }
    }
    this.info = { ...base, width: size.width, height: size.height, encoding: 'jpeg' };
  }

  /**
   * The selected frames, read in one call; each entry is the frame or the typed error for that frame
   * (damaged chunk, invalid JPEG). When the joint read fails, frames are read one by one to tell which.
   */
  read(selection: RowSelection): Array<Frame | Hdf5Error> {
    if (selection.start === 0 && selection.count === 1 && this.firstFrame) return [this.firstFrame];
    let rows: Uint8Array[];
    try {
      rows = this.readRows(selection);
    } catch (error) {
      if (!(error instanceof Hdf5DatasetError) || error.code !== 'read-failed' || selection.count === 1) throw error;
      return Array.from({ length: selection.count }, (_, i) => {
        try {
          return this.read({ start: selection.start + i * selection.stride, count: 1, stride: 1 })[0]!;
        } catch (single) {
          if (single instanceof Hdf5Error) return single;
          throw single;
        }
      });
    }
    return rows.map((bytes, i) => this.toFrame(bytes, selection.start + i * selection.stride, this.info.encoding));
  }

  private readRows(selection: RowSelection): Uint8Array[] {
    const { info, storage } = this.stored;
    if (storage === 'vlen-jpeg') return readVlenBytes(this.source, this.file, info, selection);
    const data = readRowSelection(this.source, this.file, info, selection) as Uint8Array;
    if (selection.count === 1) return [data];
    // Copies, so that each frame owns its buffer (frames are transferred to webviews one by one).
    const width = rowLength(info);
    return Array.from({ length: selection.count }, (_, i) => data.slice(i * width, (i + 1) * width));
  }

  private trimJpeg(row: Uint8Array, index: number): Uint8Array {
    return this.stored.storage === 'padded-jpeg' ? jpegFromPaddedRow(row, this.jpegLengths()?.[index]) : row;
  }

  /** `encoding` is passed in because frame 0 is decoded while `info` is still being built. */
  private toFrame(row: Uint8Array, index: number, encoding: 'raw' | 'jpeg'): Frame | Hdf5Error {
    if (encoding === 'raw')
      return { encoding: 'raw', bytes: row, width: this.info.width, height: this.info.height, channels: 3 };
    const bytes = this.trimJpeg(row, index);
    try {
      const header = inspectJpeg(bytes);
      return { encoding: 'jpeg', bytes, width: header.width, height: header.height };
    } catch (error) {
      if (!(error instanceof JpegStructureError)) throw error;
      return new Hdf5DatasetError(
        this.file,
        this.stored.info.path,
        `${path.basename(this.file)}: frame ${index} of camera ${this.stored.name} is not a valid JPEG: ${error.message}.`,
        'Re-record or re-encode this episode; the frame cannot be shown or converted.',
        'corrupt-frame',
      );
    }
  }
}
