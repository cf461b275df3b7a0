// Detects an episode's layout (cameras, numeric arrays) and reads root attributes, from what the file holds.
import * as path from 'node:path';
import { Hdf5DatasetError, UnknownFilterError, type Hdf5Error } from './errors';
import { firstUnavailableFilter } from './filters';
import { isNumeric, readDatasetInfo, type DatasetInfo } from './slice';
import { withDiagnostics, type Hdf5Runtime } from './runtime';

export type ImageEncoding = 'raw' | 'jpeg';

/**
 * How a camera's frames are stored: (T,H,W,3) uint8, (T,N) uint8 rows of zero-padded JPEG, or one vlen uint8 JPEG per
 * frame.
 */
export type ImageStorage = 'raw' | 'padded-jpeg' | 'vlen-jpeg';

export interface CameraInfo {
  readonly name: string;
  /** Full path of its dataset, e.g. `/observations/images/cam_high`. */
  readonly dataset: string;
  readonly frames: number;
  /** Pixels; for JPEG read from the first frame's header, 0 when that frame cannot be read. */
  readonly height: number;
  readonly width: number;
  readonly encoding: ImageEncoding;
  readonly storage: ImageStorage;
  /** The compression pipeline (`gzip`, `blosc-zstd`, `shuffle+gzip`), null when none. */
  readonly filter: string | null;
}

export interface ArrayInfo {
  /** `action`, or the dataset's name under /observations (`qpos`, `qvel`, `effort`, …). */
  readonly name: string;
  readonly dataset: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly filter: string | null;
}

export type AttributeValue = string | number | boolean;

/** A camera dataset found in the file, before its frame size is known. */
export interface CameraDataset {
  readonly name: string;
  readonly info: DatasetInfo;
  readonly storage: ImageStorage;
}

export interface DetectedLayout {
  readonly cameras: CameraDataset[];
  readonly arrays: ArrayInfo[];
  /** Datasets by full path, for reading. */
  readonly datasets: Map<string, DatasetInfo>;
  /** What could not be described: unsupported camera layouts, unknown filters. */
  readonly issues: Hdf5Error[];
}

export const IMAGES_GROUP = '/observations/images';
const OBSERVATIONS_GROUP = '/observations';

/** The structural part of an h5wasm File that layout detection needs. */
export interface H5FileLike {
  readonly file_id: bigint;
  get_attribute(name: string, json: false): unknown;
}

/** The members of a group; none when `group` is absent or not a group (asked directly: one HDF5 call, not two). */
function childNames(runtime: Hdf5Runtime, file: H5FileLike, group: string): string[] {
  const { value: names } = withDiagnostics(() => runtime.module.get_names(file.file_id, group, false) as string[]);
  return names ?? [];
}

export function detectLayout(runtime: Hdf5Runtime, file: H5FileLike, fileName: string): DetectedLayout {
  const datasets = new Map<string, DatasetInfo>();
  const issues: Hdf5Error[] = [];
  const name = path.basename(fileName);
  const describe = (fullPath: string): DatasetInfo | undefined => {
    // Asking for a dataset's metadata fails for groups and absent paths: cheaper than asking every path's type first.
    const { value: info } = withDiagnostics(() => readDatasetInfo(runtime, file.file_id, fullPath));
    if (!info) return undefined;
    datasets.set(fullPath, info);
    const unknown = firstUnavailableFilter(info.filters, runtime.availableFilters);
    if (unknown) issues.push(new UnknownFilterError(fileName, fullPath, unknown.id, unknown.name));
    return info;
  };

  const cameras: CameraDataset[] = [];
  for (const camera of childNames(runtime, file, IMAGES_GROUP)) {
    const info = describe(`${IMAGES_GROUP}/${camera}`);
    if (!info) continue;
    const storage = imageStorage(info);
    if (storage) cameras.push({ name: camera, info, storage });
    else {
      issues.push(
        new Hdf5DatasetError(
          fileName,
          info.path,
          `${name}: camera ${camera} is stored as ${info.dtype} with shape (${info.shape.join(', ')}), which is neither raw (frames, height, width, 3) uint8 nor JPEG bytes per frame.`,
          'Store the camera as uint8 RGB frames or as JPEG bytes per frame.',
          'unsupported-layout',
        ),
      );
    }
  }

  const arrays: ArrayInfo[] = [];
  const arrayPaths = [
    ...childNames(runtime, file, OBSERVATIONS_GROUP).map((child) => `${OBSERVATIONS_GROUP}/${child}`),
    '/action',
  ];
  for (const fullPath of arrayPaths) {
    if (fullPath === IMAGES_GROUP) continue;
    const info = describe(fullPath);
    if (info && isNumeric(info))
      arrays.push({
        name: path.posix.basename(fullPath),
        dataset: fullPath,
        shape: info.shape,
        dtype: info.dtype,
        filter: info.filter,
      });
  }
  return { cameras, arrays, datasets, issues };
}

function imageStorage(info: DatasetInfo): ImageStorage | undefined {
  if (info.dtype === 'uint8' && info.shape.length === 4 && info.shape[3] === 3) return 'raw';
  if (info.dtype === 'uint8' && info.shape.length === 2) return 'padded-jpeg';
  if (info.dtype === 'vlen' && info.shape.length === 1) return 'vlen-jpeg';
  return undefined;
}

/** Scalar attributes of the file's root (`sim`, `compress`, `fps`, `task`, …), all or only those named. */
export function readRootAttributes(
  runtime: Hdf5Runtime,
  file: H5FileLike,
  only?: readonly string[],
): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const key of runtime.module.get_attribute_names(file.file_id, '/') as string[]) {
    if (only && !only.includes(key)) continue;
    try {
      const value = scalar(file.get_attribute(key, false));
      if (value !== undefined) attributes[key] = value;
    } catch {
      // An attribute of an exotic type is skipped: attributes only add information.
    }
  }
  return attributes;
}

function scalar(value: unknown): AttributeValue | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length === 1)
    return scalar((value as unknown as ArrayLike<unknown>)[0]);
  if (Array.isArray(value) && value.length === 1) return scalar(value[0]);
  return undefined;
}
