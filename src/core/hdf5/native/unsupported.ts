// Why the native reader gives a file back to HDF5 itself: a feature it does not implement, or bytes that do not parse.

/** The file uses an HDF5 feature the native reader leaves to HDF5 (dense links, other filters, big-endian data…). */
export class UnsupportedFeatureError extends Error {}

/** The bytes do not follow the format where the native reader looked (damage, or a reader bug): HDF5 decides. */
export class MalformedFileError extends Error {}
