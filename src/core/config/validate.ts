// Validation of a whole config: each field against the table, then the rules between fields that cost runs
// (no checkpoint ever saved, validation never run, the resume overwrite, the frozen dataset_cfgs, memory).
import { checkField, type FieldIssues } from './checkField';
import { deriveFigures, memoryRemedies } from './derive';
import { resolveEnvironment } from './environment';
import { FIELDS, fieldSpec } from './fields';
import type { ConfigDocument } from './parse';
import type { ConfigIssue, ConfigValue, TrainingEnvironment } from './types';

export interface ValidationResult {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function validateConfig(values: Record<string, ConfigValue>, env: TrainingEnvironment): ValidationResult {
  const result: FieldIssues = { errors: [], warnings: [] };
  for (const spec of FIELDS) checkField(spec, values[spec.name], result);
  const invalid = new Set(result.errors.map((issue) => issue.field));
  // A number field whose value is an unevaluated expression cannot take part in arithmetic (NaN in every message).
  const usable = (...fields: string[]) =>
    fields.every(
      (field) =>
        !invalid.has(field) &&
        values[field] !== undefined &&
        (!isNumberField(field) || (typeof values[field] === 'number' && Number.isFinite(values[field]))),
    );
  if (usable('max_train_steps', 'checkpointing_steps')) checkCheckpoints(values, result);
  if (usable('max_train_steps', 'validation_steps', 'video_num')) checkValidation(values, result);
  if (usable('width', 'height')) checkFrameSize(values, result);
  if (usable('dataset_names', 'dataset_cfgs', 'prob')) checkDatasets(values, result);
  if (usable('ckpt_path', 'output_dir')) checkResumeOverwrite(values, result);
  if (usable('train_batch_size', 'gradient_accumulation_steps', 'num_frames', 'num_history', 'width', 'height'))
    checkMemory(values, env, result);
  if (usable('action_dim') && values.action_dim !== 7) {
    result.warnings.push({
      field: 'action_dim',
      message: `action_dim is ${String(values.action_dim)}, but Flexiv actions have 7 values (pose and gripper) and the converter writes 7.`,
      fix: { title: 'Set action_dim to 7', changes: { action_dim: 7 } },
    });
  }
  if (values.debug === true) checkDebug(values, result);
  checkFiniteFigures(values, env, result);
  return result;
}

function isNumberField(field: string): boolean {
  const kind = fieldSpec(field)?.kind;
  return kind === 'int' || kind === 'float';
}

/**
 * Finite values can still overflow together (1e300 steps x seconds per step): such figures are not shown as Infinity.
 */
function checkFiniteFigures(values: Record<string, ConfigValue>, env: TrainingEnvironment, result: FieldIssues): void {
  const broken = Object.entries(deriveFigures(values, env))
    .filter(([, figure]) => !Number.isFinite(figure))
    .map(([name]) => name);
  if (broken.length === 0) return;
  const inputs = [
    'max_train_steps',
    'train_batch_size',
    'gradient_accumulation_steps',
    'checkpointing_steps',
    'validation_steps',
    'video_num',
  ]
    .map((field) => `${field} ${String(values[field])}`)
    .join(', ');
  result.errors.push({
    field: 'max_train_steps',
    message: `The figures ${broken.join(', ')} come out as no finite number from ${inputs}. Use values of a realistic size.`,
  });
}

/** validateConfig plus what only the source shows: values frozen before a later reassignment, unreadable text. */
export function validateDocument(document: ConfigDocument, env: TrainingEnvironment): ValidationResult {
  const result = validateConfig(document.values, env);
  if (!document.classFound) return { errors: [], warnings: [] };
  for (const [name, where] of document.conditional) {
    // Not "not set": the field is there, only on some paths, which no check before launch can follow.
    result.errors = result.errors.filter((issue) => issue.field !== name || document.values[name] !== undefined);
    result.warnings.push({
      field: name,
      message: `${name} is set inside a block on line ${where.line + 1}, so its value depends on a condition and is not checked before launch; edit it by hand.`,
    });
  }
  for (const assignment of document.effective.values()) {
    for (const reference of assignment.references) {
      const source = document.effective.get(reference);
      if (!source || source.line <= assignment.line) continue;
      const frozen = document.assignments.filter((a) => a.name === reference && a.line < assignment.line).pop();
      const issue: ConfigIssue = {
        field: assignment.name,
        message: `${assignment.name} = ${assignment.valueText} (line ${assignment.line + 1}) took the value ${reference} had at that line${frozen ? ` (${JSON.stringify(frozen.value)})` : ''}; ${reference} is set again on line ${source.line + 1} (${JSON.stringify(source.value)}), which ${assignment.name} does not follow. Move the line below it or write the value out.`,
        fix:
          assignment.name === 'dataset_cfgs'
            ? { title: `Set dataset_cfgs to ${JSON.stringify(source.value)}`, changes: { dataset_cfgs: source.value } }
            : undefined,
      };
      (assignment.name === 'dataset_cfgs' ? result.errors : result.warnings).push(issue);
    }
  }
  return result;
}

function checkCheckpoints(values: Record<string, ConfigValue>, result: FieldIssues): void {
  const steps = values.max_train_steps as number;
  const every = values.checkpointing_steps as number;
  const suggested = Math.max(1, Math.floor(steps / 10));
  if (every > steps) {
    result.errors.push({
      field: 'checkpointing_steps',
      message: `checkpointing_steps (${every}) is more than max_train_steps (${steps}): the run would end without saving a single checkpoint. Set it to at most ${steps}, e.g. ${suggested}.`,
      fix: { title: `Set checkpointing_steps to ${suggested}`, changes: { checkpointing_steps: suggested } },
    });
  } else if (steps % every !== 0) {
    const last = Math.floor(steps / every) * every;
    const rounded = Math.round(steps / every) * every;
    result.warnings.push({
      field: 'max_train_steps',
      message: `The last ${steps - last} steps (after checkpoint-${last}.pt) are never saved: make max_train_steps a multiple of checkpointing_steps (${every}).`,
      fix: { title: `Set max_train_steps to ${rounded}`, changes: { max_train_steps: rounded } },
    });
  }
}

function checkValidation(values: Record<string, ConfigValue>, result: FieldIssues): void {
  const steps = values.max_train_steps as number;
  const every = values.validation_steps as number;
  if (values.video_num === 0) {
    result.warnings.push({
      field: 'video_num',
      message: 'video_num is 0: validation is off, so no sample videos are generated during training.',
      fix: { title: 'Generate 3 videos per validation', changes: { video_num: 3 } },
    });
  } else if (every > steps) {
    const suggested = Math.max(1, Math.floor(steps / 4));
    result.errors.push({
      field: 'validation_steps',
      message: `validation_steps (${every}) is more than max_train_steps (${steps}): no validation video would ever be generated. Set it to at most ${steps} (e.g. ${suggested}), or set video_num to 0 to turn validation off.`,
      fix: { title: `Set validation_steps to ${suggested}`, changes: { validation_steps: suggested } },
    });
  }
}

/** Upstream's dataset reader stacks (frames, 4, 72, 40) latents and validation asserts that shape: 320x192 only. */
function checkFrameSize(values: Record<string, ConfigValue>, result: FieldIssues): void {
  if (values.width === 320 && values.height === 192) return;
  const field = values.width !== 320 ? 'width' : 'height';
  result.errors.push({
    field,
    message: `The frame size is ${String(values.width)}x${String(values.height)}, but Ctrl-World's dataset reader builds a fixed (frames, 4, 72, 40) latent stack (three 320x192 views) and its validation asserts that shape: the first batch would fail. Use 320x192 (the pretrained model's size).`,
    fix: { title: 'Set 320x192', changes: { width: 320, height: 192 } },
  });
}

/** With debug, validate_video_generation lays out one row: videos 1.. get an empty batch and torch.cat([]) fails. */
function checkDebug(values: Record<string, ConfigValue>, result: FieldIssues): void {
  const videos = typeof values.video_num === 'number' ? values.video_num : 0;
  if (videos > 1) {
    result.errors.push({
      field: 'debug',
      message: `debug is True with video_num ${videos}: validation then lays out one row of videos, so the second video gets no samples and the first validation fails (torch.cat of an empty list). Set debug to False, or video_num to 1.`,
      fix: { title: 'Set debug to False', changes: { debug: false } },
    });
  } else {
    result.warnings.push({
      field: 'debug',
      message: 'debug is True: validation lays out one row of videos.',
      fix: { title: 'Set debug to False', changes: { debug: false } },
    });
  }
}

function checkDatasets(values: Record<string, ConfigValue>, result: FieldIssues): void {
  const names = String(values.dataset_names).split('+');
  const cfgs = String(values.dataset_cfgs).split('+');
  const prob = values.prob as number[];
  if (cfgs.length !== names.length) {
    result.errors.push({
      field: 'dataset_cfgs',
      message: `dataset_cfgs names ${cfgs.length} meta folder(s) but dataset_names names ${names.length} dataset(s); the loader pairs them one to one. Give one meta folder per dataset.`,
      fix: { title: 'Use the dataset names', changes: { dataset_cfgs: values.dataset_names! } },
    });
  } else if (values.dataset_cfgs !== values.dataset_names) {
    result.warnings.push({
      field: 'dataset_cfgs',
      message: `dataset_cfgs ("${String(values.dataset_cfgs)}") differs from dataset_names ("${String(values.dataset_names)}"): stat.json and the sample lists are read from ${String(values.dataset_meta_info_path)}/${cfgs[0]}/. Note that a --dataset_names on the command line does not change dataset_cfgs, which was fixed when the class was defined.`,
      fix: { title: 'Use the dataset names', changes: { dataset_cfgs: values.dataset_names! } },
    });
  }
  if (prob.length !== names.length) {
    const even = names.map(() => Math.round((1 / names.length) * 1e6) / 1e6);
    result.errors.push({
      field: 'prob',
      message: `prob has ${prob.length} value(s) but there are ${names.length} dataset(s) in dataset_names; give one sampling probability per dataset.`,
      fix: { title: `Set prob to [${even.join(', ')}]`, changes: { prob: even } },
    });
  } else if (Math.abs(prob.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    const sum = prob.reduce((a, b) => a + b, 0);
    const normalised = sum > 0 ? prob.map((p) => Math.round((p / sum) * 1e6) / 1e6) : prob.map(() => 1 / prob.length);
    result.warnings.push({
      field: 'prob',
      message: `prob sums to ${sum}, not 1.`,
      fix: { title: `Set prob to [${normalised.join(', ')}]`, changes: { prob: normalised } },
    });
  }
}

/** Upstream has no resume: loading checkpoint-50000.pt starts at step 0 and names new checkpoints from the start. */
function checkResumeOverwrite(values: Record<string, ConfigValue>, result: FieldIssues): void {
  if (typeof values.ckpt_path !== 'string' || typeof values.output_dir !== 'string') return;
  const checkpoint = normalisePath(values.ckpt_path);
  const output = normalisePath(values.output_dir);
  if (!checkpoint.startsWith(`${output}/`)) return;
  const step = /checkpoint-(\d+)\.pt$/.exec(checkpoint)?.[1];
  const newFolder = `${values.output_dir.replace(/\/+$/, '')}_from_${step ?? 'checkpoint'}`;
  result.errors.push({
    field: 'output_dir',
    message: `ckpt_path is inside output_dir (${values.output_dir}). Loading a checkpoint only loads weights: the step starts at 0 again and new checkpoints are named checkpoint-${String(values.checkpointing_steps ?? 10000)}.pt onwards in output_dir, overwriting the earlier run's${step ? `, checkpoint-${step}.pt included` : ''}. Write this run to a new folder such as ${newFolder}.`,
    fix: { title: `Set output_dir to ${newFolder}`, changes: { output_dir: newFolder } },
  });
}

function checkMemory(values: Record<string, ConfigValue>, env: TrainingEnvironment, result: FieldIssues): void {
  const { gpuMemoryGb } = resolveEnvironment(env);
  const { memoryPerGpuGb } = deriveFigures(values, env);
  if (memoryPerGpuGb <= gpuMemoryGb) return;
  const remedies = memoryRemedies(values, env);
  const best = remedies.find((remedy) => remedy.fits) ?? remedies[remedies.length - 1];
  const options = remedies
    .map((remedy) => `${remedy.title} (~${remedy.memoryPerGpuGb} GB, global batch ${remedy.globalBatch})`)
    .join('; ');
  result.warnings.push({
    field: 'train_batch_size',
    message: `Estimated GPU memory is ~${memoryPerGpuGb} GB per GPU, more than the ${gpuMemoryGb} GB the GPUs have: training would stop with CUDA out of memory.${options ? ` Remedies: ${options}.` : ''}${remedies.some((r) => r.fits) ? '' : ' None of them fits: use GPUs with more memory.'}`,
    fix: best ? { title: best.title, changes: best.changes } : undefined,
  });
}

function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (path.startsWith('/') ? '/' : '') + parts.join('/');
}
