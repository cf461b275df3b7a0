// One open Flexiv/ALOHA episode: its cameras and arrays, and reads of one frame or a range of rows at a time.
import * as path from 'node:path';
import { inspectJpeg, jpegFromPaddedRow, JpegStructureError } from '../image/jpeg';
import { Hdf5DatasetError, Hdf5Error, Hdf5LookupError } from './errors';
import { detectLayout, type ArrayInfo, type AttributeValue, type CameraDataset, type CameraInfo } from './layout';
import { explainOpenFailure } from './openFailure';
import { loadHdf5, withDiagnostics, type Hdf5Runtime } from './runtime';
import { readDatasetInfo, readRows, readVlenBytes, rowLength, type DatasetInfo, type NumericArray } from './slice';

/** One camera frame: JPEG bytes as stored (padding removed), or raw RGB pixels row by row. */
export type Frame =
  | { readonly encoding: 'jpeg'; readonly bytes: Uint8Array; readonly width: number; readonly height: number }
  | { readonly encoding: 'raw'; readonly bytes: Uint8Array; readonly width: number; readonly height: number; readonly channels: 3 };

type H5File = InstanceType<Hdf5Runtime['h5wasm']['File']>;

const COMPRESS_LEN = '/compress_len';
/** Root attributes that give the recording rate, in the order they are trusted. */
const FPS_ATTRIBUTES = ['fps', 'frame_rate', 'control_freq'];

/**
 * Keeps the file open until `close()`; every read fetches one frame or one slice of rows, never a whole image
 * dataset (the WASM heap stops at 2 GiB, episodes are often several GB). Not safe to share between threads.
 */
export class EpisodeFile {
  readonly cameras: readonly CameraInfo[];
  readonly arrays: readonly ArrayInfo[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** What could not be described when opening (unknown filters, unsupported camera layouts). */
  readonly issues: readonly Hdf5Error[];
  private readonly cameraDatasets: ReadonlyMap<string, CameraDataset>;
  private readonly datasets: ReadonlyMap<string, DatasetInfo>;
  private jpegLengths: Array<ArrayLike<number>> | null | undefined;
  private closed = false;

  private constructor(private readonly runtime: Hdf5Runtime, private readonly h5file: H5File, readonly path: string) {
    const layout = detectLayout(runtime, h5file, path);
    this.arrays = layout.arrays;
    this.attributes = layout.attributes;
    this.datasets = layout.datasets;
    this.cameraDatasets = new Map(layout.cameras.map((camera) => [camera.name, camera]));
    const issues = [...layout.issues];
    this.cameras = layout.cameras.map((camera) => this.describeCamera(camera, issues));
    this.issues = issues;
  }

  /** Opens `file` read-only. Throws Hdf5FormatError (not HDF5, truncated, unreadable, missing) naming the file. */
  static async open(file: string): Promise<EpisodeFile> {
    const runtime = await loadHdf5();
    const absolute = path.resolve(file);
    // A failed H5Fopen does not always throw: h5wasm may hand back a File with a negative id.
    const { value: h5file, diagnostics } = withDiagnostics(() => new runtime.h5wasm.File(absolute, 'r'));
    if (!h5file || h5file.file_id < 0n) throw explainOpenFailure(absolute, diagnostics);
    const { value: episode, error, diagnostics: layoutDiagnostics } = withDiagnostics(() => new EpisodeFile(runtime, h5file, absolute));
    if (episode) return episode;
    h5file.close();
    if (error instanceof Hdf5Error) throw error;
    throw explainOpenFailure(absolute, layoutDiagnostics);
  }

  /** The recording rate from a root attribute (`fps`, `frame_rate`, `control_freq`), if the file has one. */
  get fps(): number | undefined {
    for (const key of FPS_ATTRIBUTES) {
      const value = this.attributes[key];
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    }
    return undefined;
  }

  camera(name: string): CameraInfo {
    const camera = this.cameras.find((candidate) => candidate.name === name);
    if (!camera) {
      const known = this.cameras.map((candidate) => candidate.name).join(', ') || 'none';
      throw new Hdf5LookupError(this.path, `${path.basename(this.path)} has no camera "${name}" (cameras: ${known}).`, undefined, 'no-such-camera');
    }
    return camera;
  }

  array(name: string): ArrayInfo {
    const array = this.arrays.find((candidate) => candidate.name === name);
    if (!array) {
      const known = this.arrays.map((candidate) => candidate.name).join(', ') || 'none';
      throw new Hdf5LookupError(this.path, `${path.basename(this.path)} has no array "${name}" (arrays: ${known}).`, undefined, 'no-such-array');
    }
    return array;
  }

  /** Frame `index` of `camera`, read as one slice. JPEG frames are checked structurally and sized from their header. */
  readFrame(cameraName: string, index: number): Frame {
    this.assertOpen();
    const camera = this.camera(cameraName);
    if (!Number.isInteger(index) || index < 0 || index >= camera.frames) {
      const range = camera.frames > 0 ? `0–${camera.frames - 1}` : 'none';
      throw new Hdf5LookupError(this.path, `${path.basename(this.path)}: camera ${camera.name} has ${camera.frames} frames (${range}); frame ${index} does not exist.`, undefined, 'bad-index');
    }
    const stored = this.cameraDatasets.get(camera.name)!;
    if (stored.storage === 'raw') {
      const bytes = readRows(this.runtime, this.path, this.h5file.file_id, stored.info, index, index + 1) as Uint8Array;
      return { encoding: 'raw', bytes, width: camera.width, height: camera.height, channels: 3 };
    }
    const bytes = this.readJpegBytes(stored, index);
    try {
      const { width, height } = inspectJpeg(bytes);
      return { encoding: 'jpeg', bytes, width, height };
    } catch (error) {
      if (!(error instanceof JpegStructureError)) throw error;
      throw new Hdf5DatasetError(this.path, stored.info.path,
        `${path.basename(this.path)}: frame ${index} of camera ${camera.name} is not a valid JPEG: ${error.message}.`,
        'Re-record or re-encode this episode; the frame cannot be shown or converted.', 'corrupt-frame');
    }
  }

  /** Rows [start, end) of a numeric array, flat (row-major), in the array's own type. */
  readArray(name: string, start = 0, end?: number): NumericArray {
    this.assertOpen();
    const array = this.array(name);
    return readRows(this.runtime, this.path, this.h5file.file_id, this.datasets.get(array.dataset)!, start, end ?? array.shape[0] ?? 0);
  }

  /** Rows [start, end) of a numeric array as rows of numbers (e.g. qpos → one 7-number row per frame). */
  readArrayRows(name: string, start = 0, end?: number): number[][] {
    const values = this.readArray(name, start, end);
    const width = rowLength(this.datasets.get(this.array(name).dataset)!);
    const rows: number[][] = [];
    for (let offset = 0; offset < values.length; offset += width) {
      rows.push(Array.from(values.subarray(offset, offset + width) as ArrayLike<number | bigint>, Number));
    }
    return rows;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.h5file.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Hdf5LookupError(this.path, `${path.basename(this.path)} was closed.`, 'Open it again.', 'unreadable');
  }

  private describeCamera(camera: CameraDataset, issues: Hdf5Error[]): CameraInfo {
    const { info, storage, name } = camera;
    const frames = info.shape[0] ?? 0;
    const base = { name, dataset: info.path, frames, storage, filter: info.filter };
    if (storage === 'raw') return { ...base, height: info.shape[1]!, width: info.shape[2]!, encoding: 'raw' };
    let size = { width: 0, height: 0 };
    if (frames > 0 && !issues.some((issue) => issue instanceof Hdf5DatasetError && issue.dataset === info.path)) {
      try {
        size = inspectJpeg(this.readJpegBytes(camera, 0));
      } catch (error) {
        // A damaged first frame is reported by validation's frame checks; a failed read is reported here.
        if (error instanceof Hdf5Error) issues.push(error);
      }
    }
    return { ...base, ...size, encoding: 'jpeg' };
  }

  private readJpegBytes(camera: CameraDataset, index: number): Uint8Array {
    if (camera.storage === 'vlen-jpeg') return readVlenBytes(this.runtime, this.path, this.h5file.file_id, camera.info, index);
    const row = readRows(this.runtime, this.path, this.h5file.file_id, camera.info, index, index + 1) as Uint8Array;
    const cameraIndex = [...this.cameraDatasets.keys()].indexOf(camera.name);
    return jpegFromPaddedRow(row, this.storedJpegLengths()?.[cameraIndex]?.[index]);
  }

  /**
   * ALOHA-style recorders store each JPEG's length in /compress_len, (cameras, frames), often as float32.
   * The row order is the recorder's camera order, which may differ from the file's alphabetical listing:
   * a length is only used when the bytes there end the JPEG (see jpegFromPaddedRow), else padding is trimmed.
   */
  private storedJpegLengths(): Array<ArrayLike<number>> | null {
    if (this.jpegLengths !== undefined) return this.jpegLengths;
    this.jpegLengths = null;
    if (!(this.h5file.get(COMPRESS_LEN) instanceof this.runtime.h5wasm.Dataset)) return null;
    try {
      const stored = readDatasetInfo(this.runtime, this.h5file.file_id, COMPRESS_LEN);
      if (stored.shape.length === 2) {
        const values = readRows(this.runtime, this.path, this.h5file.file_id, stored, 0, stored.shape[0]!);
        const width = stored.shape[1]!;
        this.jpegLengths = Array.from({ length: stored.shape[0]! }, (_, row) => Array.from(values.subarray(row * width, (row + 1) * width) as ArrayLike<number | bigint>, Number));
      }
    } catch {
      // Unreadable lengths: trimming the padding gives the same bytes.
    }
    return this.jpegLengths;
  }
}
