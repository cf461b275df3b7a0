// Conversion of Flexiv episodes to the Ctrl-World training layout, and checks of a converted dataset.
export * from './types';
export { convertDataset, type ConvertRequest } from './convertMeta';
export { checkConvertOptions, ConvertOptionsError } from './options';
export { OutputNotOursError } from './outputGuard';
export { resolveStride, strideProblem } from './annotation';
export * from './layout';
export { configData, cfgFor, type ConfigData } from './fromConfig';
export * from './stateSource';
export { quaternionToEuler } from './poseRows';
