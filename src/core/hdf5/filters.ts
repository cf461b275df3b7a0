// Which HDF5 compression filters this reader can decode, and the short names users know them by.

/** A dataset's filter pipeline entry, as h5wasm reports it. */
export interface FilterEntry {
  readonly id: number;
  readonly name: string;
  readonly cd_values: readonly number[];
}

/** Filters compiled into HDF5 itself (szip is not in h5wasm's build). */
const BUILT_IN: Record<number, string> = { 1: 'gzip', 2: 'shuffle', 3: 'fletcher32', 5: 'nbit', 6: 'scaleoffset' };

/** Registered filter ids of the plugins h5wasm-plugins ships, by their library name (libH5Z<name>.so). */
const PLUGIN_IDS: Record<string, number> = {
  bz2: 307,
  lzf: 32000,
  blosc: 32001,
  lz4: 32004,
  bshuf: 32008,
  zfp: 32013,
  zstd: 32015,
  jpeg: 32019,
  bitgroom: 32022,
  bitround: 32023,
  blosc2: 32026,
};

const PLUGIN_NAMES: Record<number, string> = { 307: 'bzip2', 32008: 'bitshuffle' };

/** Blosc's compressor codes (cd_values[6]) as hdf5plugin names them. */
const BLOSC_COMPRESSORS = ['blosclz', 'lz4', 'lz4hc', 'snappy', 'zlib', 'zstd'];

/** The filter ids decodable with the plugins present. */
export function availableFilterIds(plugins: ReadonlySet<string>): ReadonlySet<number> {
  const ids = new Set(Object.keys(BUILT_IN).map(Number));
  for (const [library, id] of Object.entries(PLUGIN_IDS)) if (plugins.has(library)) ids.add(id);
  return ids;
}

/** A short name for one filter: `gzip`, `lzf`, `blosc-zstd`, `bitshuffle-lz4`, or `filter-32099` for an unknown one. */
export function filterName(filter: FilterEntry): string {
  if (BUILT_IN[filter.id]) return BUILT_IN[filter.id]!;
  if (filter.id === 32001) {
    const compressor = BLOSC_COMPRESSORS[filter.cd_values[6] ?? 0];
    return compressor && compressor !== 'blosclz' ? `blosc-${compressor}` : 'blosc';
  }
  if (filter.id === 32008) return filter.cd_values[4] === 2 ? 'bitshuffle-lz4' : 'bitshuffle';
  const library = Object.entries(PLUGIN_IDS).find(([, id]) => id === filter.id)?.[0];
  return PLUGIN_NAMES[filter.id] ?? library ?? `filter-${filter.id}`;
}

/**
 * The pipeline as one string (`shuffle+gzip`), or null when the dataset is stored without filters.
 * Fletcher32 is a checksum, not compression, but is listed: it also has to be decodable.
 */
export function describePipeline(filters: readonly FilterEntry[]): string | null {
  return filters.length === 0 ? null : filters.map(filterName).join('+');
}

/** The first filter of the pipeline that cannot be decoded here, if any. */
export function firstUnavailableFilter(
  filters: readonly FilterEntry[],
  available: ReadonlySet<number>,
): FilterEntry | undefined {
  return filters.find((filter) => !available.has(filter.id));
}

/**
 * The most a pipeline can shrink data: 1 without compression, 1032 with deflate (its format cannot do better), and
 * no bound for the other compressors. Shuffle and Fletcher32 do not shrink.
 */
export function maxCompressionRatio(filters: readonly FilterEntry[]): number {
  const DEFLATE_MAX_RATIO = 1032;
  let ratio = 1;
  for (const { id } of filters) {
    if (id === 1) ratio = DEFLATE_MAX_RATIO;
    else if (id !== 2 && id !== 3) return Infinity;
  }
  return ratio;
}
