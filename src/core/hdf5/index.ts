// The one HDF5 reader of the project: open an episode once, read one frame or a slice of rows at a time.
export { EpisodeFile } from './episodeFile';
export type { Frame } from './cameraFrames';
export type { RowSelection } from './slice';
export type { ArrayInfo, AttributeValue, CameraInfo, ImageEncoding, ImageStorage } from './layout';
export {
  Hdf5Error,
  Hdf5FormatError,
  Hdf5DatasetError,
  Hdf5LookupError,
  UnknownFilterError,
  type Hdf5ErrorCode,
} from './errors';
export { loadHdf5, onHdf5Diagnostics } from './runtime';
export type { NumericArray } from './slice';
