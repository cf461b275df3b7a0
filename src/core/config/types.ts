// The shapes shared by every consumer of a training config: values, the training environment, figures and issues.

/** A value of a wm_args field; Python objects the editor keeps as text (torch.bfloat16, dicts) are `{ expression }`. */
export type ConfigValue = number | string | boolean | null | ConfigValue[] | { readonly expression: string };

export interface ParsedConfig {
  /** Values by wm_args field name (snake_case, exactly as in Python: output_dir, ckpt_path, dataset_names, ...);
   *  f-strings such as f"model_ckpt/{tag}" resolved against the other fields; torch.bfloat16 etc. as {expression}. */
  readonly values: Record<string, ConfigValue>;
  /** Source text the parser could not understand, reported instead of guessed. */
  readonly unparsed: string[];
}

/** Where the run will happen; anything left out comes from the ctrlWorld.training.* settings' defaults. */
export interface TrainingEnvironment {
  gpus: number;
  gpuMemoryGb?: number;
  /** Seconds per optimizer step measured for this very config (e.g. from the last run's log). When absent, the
   *  reference figure below is scaled by the config's work per step. */
  secondsPerStep?: number;
  checkpointSizeGb?: number;
  /** Seconds per optimizer step of the reference workload (the seed config: 4 samples x 11 frames at 320x192
   *  per GPU, no accumulation). */
  referenceSecondsPerStep?: number;
}

export interface DerivedFigures {
  globalBatch: number;
  checkpoints: number;
  checkpointDiskGb: number;
  validations: number;
  videos: number;
  estimatedHours: number;
  memoryPerGpuGb: number;
}

export interface ConfigIssue {
  field: string;
  /** What is wrong and what to do, naming the field. */
  message: string;
  /** A one-click fix: the fields to set. */
  fix?: ConfigFix;
}

export interface ConfigFix {
  readonly title: string;
  readonly changes: Readonly<Record<string, ConfigValue>>;
}

export function isExpression(value: ConfigValue | undefined): value is { readonly expression: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function configValuesEqual(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => configValuesEqual(item, b[i]))
    );
  }
  if (isExpression(a) || isExpression(b)) return isExpression(a) && isExpression(b) && a.expression === b.expression;
  return a === b;
}
