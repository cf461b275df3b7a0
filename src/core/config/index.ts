// The training config core: read, edit, validate and figure out a Ctrl-World `wm_args` config. Shared by the
// editor, the CLI, the launcher and the converter.
export type { ConfigValue, ParsedConfig, TrainingEnvironment, DerivedFigures, ConfigIssue, ConfigFix } from './types';
export { isExpression, configValuesEqual } from './types';
export { FIELDS, GROUPS, fieldSpec, defaultValues, type FieldSpec, type FieldKind, type FieldGroup } from './fields';
export {
  parseConfig,
  parseConfigDocument,
  describeProblem,
  CONFIG_CLASS,
  type ConfigDocument,
  type Assignment,
  type SourceProblem,
} from './parse';
export {
  setConfigValue,
  setConfigValues,
  resetConfigValue,
  configEdits,
  applyEdits,
  RESET,
  type TextEdit,
  type ConfigChange,
} from './edit';
export {
  deriveFigures,
  estimateMemoryPerGpuGb,
  estimateSecondsPerStep,
  memoryRemedies,
  describeChanges,
  type MemoryRemedy,
} from './derive';
export { validateConfig, validateDocument, type ValidationResult } from './validate';
export { DEFAULT_ENVIRONMENT, resolveEnvironment } from './environment';
export { pythonLiteral } from './pythonText';
export { ConfigError } from './errors';
export { parseFieldInput, coerceFieldValue } from './userValue';
export { renderConfigFile } from './render';
export {
  BUILTIN_PROFILES,
  parseProfile,
  stringifyProfile,
  profileFromValues,
  profileChanges,
  type ConfigProfile,
  type ProfileChange,
} from './profiles';
