// Dataset folders → episode summaries and problems, shared by the Datasets view, the CLI and the converter.
export { DatasetScanner, type ScanControl, type ScanSnapshot, type ScanThreads } from './scanner';
export { compareNatural } from './naturalSort';
export { findEpisodeFiles, isEpisodeFile, EPISODE_EXTENSIONS, type EpisodeFileEntry } from './walk';
export { toScanJson, type ScanJson } from './json';
export * from './types';
