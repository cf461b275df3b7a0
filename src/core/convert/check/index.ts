// Checks of a converted dataset, and the torch-free reading of latent files they rely on.
export { checkConverted, type CheckRequest } from './checkConverted';
export { readLatentInfo, type LatentInfo } from './latentFile';
export type { ConvertedEpisode, ConvertedProblem, ConvertedReport, LatentState } from './report';
