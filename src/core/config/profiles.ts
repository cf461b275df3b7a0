// Training profiles: named sets of field values saved as YAML ("a100x8", "lowmem"), compared with a config file
// before they are applied, and rendered into a complete config.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseConfigDocument } from './parse';
import { ConfigError } from './errors';
import { FIELDS, fieldSpec } from './fields';
import { expressionValue } from './render';
import { coerceFieldValue } from './userValue';
import { setConfigValues } from './edit';
import { configValuesEqual, isExpression, type ConfigValue } from './types';

export interface ConfigProfile {
  readonly name: string;
  readonly description?: string;
  /** Only the fields the profile sets; the others are left as they are (or take the table's default on render). */
  readonly values: Readonly<Record<string, ConfigValue>>;
}

export const BUILTIN_PROFILES: readonly ConfigProfile[] = [
  {
    name: 'a100x8',
    description:
      'The Flexiv fine-tuning run of the hand-over note: 8 x A100 80GB, global batch 32, 100,000 steps, ~40 h.',
    values: {
      dataset_root_path: 'dataset_example/flexiv_data',
      dataset_meta_info_path: 'dataset_example/flexiv_data_meta_info',
      dataset_names: 'flexiv_1113',
      prob: [1.0],
      annotation_name: 'annotation',
      num_workers: 8,
      down_sample: 3,
      skip_step: 1,
      learning_rate: 5e-6,
      train_batch_size: 4,
      gradient_accumulation_steps: 1,
      max_train_steps: 100000,
      checkpointing_steps: 10000,
      mixed_precision: 'fp16',
      shuffle: true,
      max_grad_norm: 1.0,
      num_train_epochs: 100,
      validation_steps: 25000,
      video_num: 3,
      num_inference_steps: 50,
      guidance_scale: 2,
      decode_chunk_size: 7,
      width: 320,
      height: 192,
      num_frames: 5,
      num_history: 6,
      action_dim: 7,
      motion_bucket_id: 127,
      fps: 7,
      text_cond: true,
      frame_level_cond: true,
      his_cond_zero: false,
      dtype: { expression: 'torch.bfloat16' },
      debug: false,
      tag: 'flexiv_finetune',
      wandb_project_name: 'ctrl_world_flexiv',
    },
  },
  {
    name: 'lowmem',
    description:
      "The FAQ's answer to out-of-memory: 2 samples per GPU with accumulation 2 (the same global batch) and 3 predicted frames.",
    values: { train_batch_size: 2, gradient_accumulation_steps: 2, num_frames: 3 },
  },
];

export function parseProfile(text: string, fallbackName: string): ConfigProfile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `The profile "${fallbackName}" is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      'Fix the YAML or save the profile again from the config editor.',
    );
  }
  const root = (document ?? {}) as { name?: unknown; description?: unknown; fields?: unknown };
  if (
    typeof root !== 'object' ||
    typeof root.fields !== 'object' ||
    root.fields === null ||
    Array.isArray(root.fields)
  ) {
    throw new ConfigError(`The profile "${fallbackName}" has no "fields:" mapping of wm_args fields to values.`);
  }
  const values: Record<string, ConfigValue> = {};
  const unknown: string[] = [];
  for (const [field, raw] of Object.entries(root.fields as Record<string, unknown>)) {
    const spec = fieldSpec(field);
    if (!spec) unknown.push(field);
    else values[field] = coerceFieldValue(spec, raw);
  }
  if (unknown.length > 0)
    throw new ConfigError(
      `The profile "${fallbackName}" sets ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a training field' : 'are not training fields'}.`,
      'Remove or rename them; "ctrl-world-flexiv config show" lists the fields.',
    );
  return {
    name: typeof root.name === 'string' ? root.name : fallbackName,
    description: typeof root.description === 'string' ? root.description : undefined,
    values,
  };
}

export function stringifyProfile(profile: ConfigProfile): string {
  const fields = Object.fromEntries(
    FIELDS.filter((spec) => spec.name in profile.values).map((spec) => {
      const value = profile.values[spec.name]!;
      return [spec.name, isExpression(value) ? value.expression : value];
    }),
  );
  const header =
    '# Ctrl-World Flexiv training profile: apply it from the config editor, or write a whole config with\n' +
    `#   ctrl-world-flexiv config render ${profile.name}.yaml --out config_flexiv.py\n`;
  return (
    header +
    stringifyYaml({ name: profile.name, ...(profile.description ? { description: profile.description } : {}), fields })
  );
}

/** A profile of the file's current training values, leaving out those that follow others (output_dir from tag). */
export function profileFromValues(
  name: string,
  values: Record<string, ConfigValue>,
  description?: string,
): ConfigProfile {
  const kept: Record<string, ConfigValue> = {};
  for (const spec of FIELDS) {
    const value = values[spec.name];
    if (value === undefined || (isExpression(value) && spec.kind !== 'dtype')) continue;
    if (spec.defaultPython && configValuesEqual(expressionValue(spec, values), value)) continue;
    kept[spec.name] = value;
  }
  return { name, description, values: kept };
}

export interface ProfileChange {
  readonly field: string;
  readonly current: ConfigValue | undefined;
  readonly proposed: ConfigValue;
}

/**
 * The changes that make the file match the profile, for the diff shown before applying. A field that follows
 * another (output_dir = f"model_ckpt/{tag}") is left to follow it when that already gives the profile's value.
 */
export function profileChanges(source: string, profile: ConfigProfile): ProfileChange[] {
  const document = parseConfigDocument(source);
  const differing = Object.entries(profile.values).filter(
    ([field, value]) => !configValuesEqual(document.values[field], value),
  );
  const followers = new Set(
    differing.map(([field]) => field).filter((field) => (document.effective.get(field)?.references.length ?? 0) > 0),
  );
  const leaders = Object.fromEntries(differing.filter(([field]) => !followers.has(field)));
  const afterLeaders =
    followers.size > 0 ? parseConfigDocument(setConfigValues(source, leaders)).values : document.values;
  return differing
    .filter(([field, value]) => !followers.has(field) || !configValuesEqual(afterLeaders[field], value))
    .map(([field, proposed]) => ({ field, current: document.values[field], proposed }))
    .sort((a, b) => FIELDS.findIndex((f) => f.name === a.field) - FIELDS.findIndex((f) => f.name === b.field));
}
