// One open Flexiv/ALOHA episode: its cameras and arrays, and reads of one frame or a range of rows at a time.
import * as path from 'node:path';
import { CameraFrames, type Frame } from './cameraFrames';
import { Hdf5DatasetError, Hdf5Error, Hdf5LookupError } from './errors';
import { maxCompressionRatio } from './filters';
import { detectLayout, type ArrayInfo, type AttributeValue, type CameraInfo } from './layout';
import { NativeSource } from './nativeSource';
import { explainOpenFailure, notRegularFile } from './openFailure';
import { loadHdf5, withDiagnostics } from './runtime';
import { readRows, rowLength, type DatasetInfo, type NumericArray, type RowSelection } from './slice';
import type { Hdf5Source } from './source';
import { WasmSource } from './wasmSource';

const COMPRESS_LEN = '/compress_len';
/** Root attributes that give the recording rate, in the order they are trusted. */
const FPS_ATTRIBUTES = ['fps', 'frame_rate', 'control_freq'];

/**
 * Keeps the file open until `close()`; every read fetches one frame or one slice of rows, never a whole image
 * dataset (the WASM heap stops at 2 GiB, episodes are often several GB). Reads are synchronous.
 */
export class EpisodeFile {
  readonly cameras: readonly CameraInfo[];
  readonly arrays: readonly ArrayInfo[];
  /**
   * What could not be described when opening (unknown filters, unsupported camera layouts, unreadable first frames).
   */
  readonly issues: readonly Hdf5Error[];
  private readonly frames: ReadonlyMap<string, CameraFrames>;
  private readonly datasets: ReadonlyMap<string, DatasetInfo>;
  private jpegLengths: number[][] | null | undefined;
  private rootAttributes?: Readonly<Record<string, AttributeValue>>;
  private closed = false;

  private constructor(
    private readonly source: Hdf5Source,
    readonly path: string,
  ) {
    const layout = detectLayout(source, path);
    this.arrays = layout.arrays;
    this.datasets = layout.datasets;
    const issues = [...layout.issues];
    const broken = new Set(issues.map((issue) => (issue instanceof Hdf5DatasetError ? issue.dataset : '')));
    // /compress_len rows follow the recorder's camera order; the listing order is the best guess (checked per frame).
    this.frames = new Map(
      layout.cameras.map((camera, index) => [
        camera.name,
        new CameraFrames(
          source,
          path,
          camera,
          () => this.storedJpegLengths()?.[index],
          broken.has(camera.info.path),
          issues,
        ),
      ]),
    );
    this.cameras = [...this.frames.values()].map((frames) => frames.info);
    this.issues = issues;
  }

  /** Opens `file` read-only. Throws Hdf5FormatError (not HDF5, truncated, unreadable, missing) naming the file. */
  static async open(file: string): Promise<EpisodeFile> {
    const absolute = path.resolve(file);
    const special = notRegularFile(absolute);
    if (special) throw special;
    return EpisodeFile.openNatively(absolute) ?? EpisodeFile.openWithHdf5(absolute);
  }

  /**
   * The native reader, for the files h5py writes by default (most episodes): no WASM to load, and a few reads per
   * file. It answers only for files it reads cleanly; any other file (an unimplemented feature, damage, a frame
   * that fails) goes to HDF5, whose diagnosis is the reference.
   */
  private static openNatively(file: string): EpisodeFile | undefined {
    let source: NativeSource;
    try {
      source = NativeSource.open(file);
    } catch {
      return undefined;
    }
    try {
      const episode = new EpisodeFile(source, file);
      if (episode.issues.length === 0) return episode;
    } catch {
      // Left to HDF5 below.
    }
    source.close();
    return undefined;
  }

  private static async openWithHdf5(file: string): Promise<EpisodeFile> {
    const runtime = await loadHdf5();
    // A failed H5Fopen does not always throw: h5wasm may hand back a File with a negative id.
    const { value: h5file, diagnostics } = withDiagnostics(() => new runtime.h5wasm.File(file, 'r'));
    if (!h5file || h5file.file_id < 0n) throw explainOpenFailure(file, diagnostics);
    const source = new WasmSource(runtime, h5file);
    const {
      value: episode,
      error,
      diagnostics: layoutDiagnostics,
    } = withDiagnostics(() => new EpisodeFile(source, file));
    if (episode) return episode;
    source.close();
    if (error instanceof Hdf5Error) throw error;
    throw explainOpenFailure(file, layoutDiagnostics);
  }

  /** Scalar attributes of the file's root (`sim`, `compress`, `fps`, `task`, …), read on first use. */
  get attributes(): Readonly<Record<string, AttributeValue>> {
    this.rootAttributes ??= this.readAttributes();
    return this.rootAttributes;
  }

  /** The recording rate from a root attribute (`fps`, `frame_rate`, `control_freq`), if the file has one. */
  get fps(): number | undefined {
    // Only these attributes are read: a scan asks every file for its rate, and each read costs.
    const rates = this.rootAttributes ?? this.readAttributes(FPS_ATTRIBUTES);
    for (const key of FPS_ATTRIBUTES) {
      const value = rates[key];
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    }
    return undefined;
  }

  camera(name: string): CameraInfo {
    return this.cameraFrames(name).info;
  }

  array(name: string): ArrayInfo {
    const array = this.arrays.find((candidate) => candidate.name === name);
    if (!array) {
      const known = this.arrays.map((candidate) => candidate.name).join(', ') || 'none';
      throw new Hdf5LookupError(
        this.path,
        `${path.basename(this.path)} has no array "${name}" (arrays: ${known}).`,
        undefined,
        'no-such-array',
      );
    }
    return array;
  }

  /** Frame `index` of a camera, as one slice. JPEG frames are checked structurally and sized from their header. */
  readFrame(camera: string, index: number): Frame {
    const [frame] = this.readFrames(camera, { start: index, count: 1, stride: 1 });
    if (frame instanceof Hdf5Error) throw frame;
    return frame!;
  }

  /**
   * Evenly spaced frames of a camera in one read (cheaper than one read each); every entry is the frame
   * or the typed error of that frame alone.
   */
  readFrames(camera: string, selection: RowSelection): Array<Frame | Hdf5Error> {
    this.assertOpen();
    const frames = this.cameraFrames(camera);
    const last = selection.start + (selection.count - 1) * selection.stride;
    const total = frames.info.frames;
    for (const index of [selection.start, last]) {
      if (!Number.isInteger(index) || index < 0 || index >= total) {
        throw new Hdf5LookupError(
          this.path,
          `${path.basename(this.path)}: camera ${camera} has ${total} frames (${total > 0 ? `0–${total - 1}` : 'none'}); frame ${index} does not exist.`,
          undefined,
          'bad-index',
        );
      }
    }
    return frames.read(selection);
  }

  /** Rows [start, end) of a numeric array, flat (row-major), in the array's own type. */
  readArray(name: string, start = 0, end?: number): NumericArray {
    this.assertOpen();
    const array = this.array(name);
    return readRows(this.source, this.path, this.datasets.get(array.dataset)!, start, end ?? array.shape[0] ?? 0);
  }

  /**
   * At most how many rows of an array `fileBytes` of file can hold. A chunked dataset may declare far more rows than
   * were ever written (HDF5 reads chunks never written as zeros); past this many rows, at least some were not.
   * Infinity where the compression has no known bound.
   */
  storableRows(name: string, fileBytes: number): number {
    const info = this.datasets.get(this.array(name).dataset)!;
    const rowBytes = rowLength(info) * info.itemSize;
    if (rowBytes === 0) return Infinity;
    return Math.floor((fileBytes * maxCompressionRatio(info.filters)) / rowBytes);
  }

  /**
   * Every `step`-th row of a numeric array from the first, flat, as numbers (the preview's long episodes). One read
   * per row: HDF5 maps every chunk a strided selection spans, which for 10^12 declared rows takes minutes.
   */
  readArrayEvery(name: string, step: number): Float64Array {
    this.assertOpen();
    const info = this.datasets.get(this.array(name).dataset)!;
    const width = rowLength(info);
    const count = Math.ceil((info.shape[0] ?? 0) / step);
    const values = new Float64Array(count * width);
    for (let row = 0; row < count; row++) {
      const read = readRows(this.source, this.path, info, row * step, row * step + 1);
      for (let i = 0; i < width; i++) values[row * width + i] = Number(read[i]!);
    }
    return values;
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
    this.source.close();
  }

  private cameraFrames(name: string): CameraFrames {
    const frames = this.frames.get(name);
    if (!frames) {
      const known = [...this.frames.keys()].join(', ') || 'none';
      throw new Hdf5LookupError(
        this.path,
        `${path.basename(this.path)} has no camera "${name}" (cameras: ${known}).`,
        undefined,
        'no-such-camera',
      );
    }
    return frames;
  }

  private readAttributes(only?: readonly string[]): Record<string, AttributeValue> {
    this.assertOpen();
    return this.source.rootAttributes(only);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new Hdf5LookupError(this.path, `${path.basename(this.path)} was closed.`, 'Open it again.', 'unreadable');
  }

  /**
   * ALOHA-style recorders store each JPEG's length in /compress_len, (cameras, frames), often as float32.
   * A length is only used when the bytes there end the JPEG (see jpegFromPaddedRow), else padding is trimmed.
   */
  private storedJpegLengths(): number[][] | null {
    if (this.jpegLengths !== undefined) return this.jpegLengths;
    this.jpegLengths = null;
    try {
      const stored = this.source.datasetInfo(COMPRESS_LEN);
      if (stored?.shape.length === 2) {
        const values = readRows(this.source, this.path, stored, 0, stored.shape[0]!);
        const width = stored.shape[1]!;
        this.jpegLengths = Array.from({ length: stored.shape[0]! }, (_, row) =>
          Array.from(values.subarray(row * width, (row + 1) * width) as ArrayLike<number | bigint>, Number),
        );
      }
    } catch {
      // Unreadable lengths: trimming the padding gives the same bytes.
    }
    return this.jpegLengths;
  }
}
