// Detects an episode's layout (cameras, numeric arrays) and reads root attributes, from what the file holds.
import * as path from 'node:path';
import { Hdf5DatasetError, UnknownFilterError, type Hdf5Error } from './errors';
import { firstUnavailableFilter } from './filters';
import { isNumeric, type DatasetInfo } from './slice';
import type { Hdf5Source } from './source';

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

export function detectLayout(source: Hdf5Source, fileName: string): DetectedLayout {
  const datasets = new Map<string, DatasetInfo>();
  const issues: Hdf5Error[] = [];
  const name = path.basename(fileName);
  const describe = (fullPath: string): DatasetInfo | undefined => {
    const info = source.datasetInfo(fullPath);
    if (!info) return undefined;
    datasets.set(fullPath, info);
    const unknown = firstUnavailableFilter(info.filters, source.availableFilters);
    if (unknown) issues.push(new UnknownFilterError(fileName, fullPath, unknown.id, unknown.name));
    return info;
  };

  const cameras: CameraDataset[] = [];
  for (const camera of source.childNames(IMAGES_GROUP)) {
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
    ...source.childNames(OBSERVATIONS_GROUP).map((child) => `${OBSERVATIONS_GROUP}/${child}`),
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
