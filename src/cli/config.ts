// `config show|check|set|render`: the training config core from a terminal.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  BUILTIN_PROFILES,
  ConfigError,
  DEFAULT_ENVIRONMENT,
  FIELDS,
  GROUPS,
  deriveFigures,
  fieldSpec,
  parseConfigDocument,
  parseFieldInput,
  parseProfile,
  pythonLiteral,
  renderConfigFile,
  setConfigValues,
  validateDocument,
  describeProblem,
  type ConfigDocument,
  type ConfigIssue,
  type ConfigProfile,
  type ConfigValue,
  type FieldKind,
  type TrainingEnvironment,
} from '../core/config';
import { writeFileAtomic } from '../core/atomicWrite';
import {
  printJson,
  requirePositional,
  stringOption,
  UsageError,
  type CliCommand,
  type CliIo,
  type ParsedArgs,
} from './framework';

async function readConfig(file: string): Promise<{ source: string; document: ConfigDocument }> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
  const document = parseConfigDocument(source);
  if (!document.classFound)
    throw new ConfigError(
      `${file} has no "class wm_args:", so it is not a Ctrl-World training config.`,
      'Pass the config_*.py that train_wm.py imports.',
    );
  return { source, document };
}

function positiveNumber(args: ParsedArgs, name: string, integer = false): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, not "${text}"`);
  return value;
}

const issuesJson = (issues: ConfigIssue[]) => issues.map(({ field, message }) => ({ field, message }));
const shown = (value: ConfigValue | undefined, kind?: FieldKind) =>
  value === undefined ? '(not set)' : pythonLiteral(value, { kind });

export const configShowCommand: CliCommand = {
  name: 'config show',
  summary: 'Print the values of a training config (config_*.py) and what could not be read.',
  usage: 'config show <file.py> [--json]',
  async run(args, io) {
    const file = requirePositional(args, 0, 'the config file');
    const { document } = await readConfig(file);
    const unparsed = document.problems.map(describeProblem);
    const conditional = [...document.conditional.keys()];
    const syntaxError = document.syntaxError && describeProblem(document.syntaxError);
    if (args.values.json) {
      printJson(io, { fields: document.values, conditional, unparsed, syntaxError });
      return 0;
    }
    if (syntaxError) io.out(`Python cannot run this file: ${syntaxError}. It cannot be edited until that is fixed.`);
    // A field set inside if/else has no one value: say so rather than "(not set)" or the last branch's value.
    const value = (name: string, kind?: FieldKind) =>
      document.conditional.has(name)
        ? `(set conditionally, line ${document.conditional.get(name)!.line + 1})`
        : shown(document.values[name], kind);
    for (const group of GROUPS) {
      io.out(group.title);
      for (const spec of FIELDS.filter((field) => field.group === group.id)) {
        io.out(`  ${spec.name.padEnd(28)} ${value(spec.name, spec.kind)}${spec.unit ? `  ${spec.unit}` : ''}`);
      }
    }
    const others = Object.keys(document.values).filter((name) => !fieldSpec(name));
    if (others.length > 0) {
      io.out('Other fields (not used by training)');
      for (const name of others) io.out(`  ${name.padEnd(28)} ${shown(document.values[name])}`);
    }
    if (unparsed.length > 0) {
      io.out('Could not read');
      for (const line of unparsed) io.out(`  ${line}`);
    }
    return 0;
  },
};

export const configCheckCommand: CliCommand = {
  name: 'config check',
  summary: 'Validate a training config and print the figures that matter before launch; exit 1 on errors.',
  usage:
    'config check <file.py> [--gpus N] [--gpu-memory-gb M] [--checkpoint-size-gb G] [--seconds-per-step S] [--json]',
  options: {
    gpus: { type: 'string' },
    'gpu-memory-gb': { type: 'string' },
    'checkpoint-size-gb': { type: 'string' },
    'seconds-per-step': { type: 'string' },
  },
  async run(args, io) {
    const file = requirePositional(args, 0, 'the config file');
    const env: TrainingEnvironment = {
      gpus: positiveNumber(args, 'gpus', true) ?? DEFAULT_ENVIRONMENT.gpus,
      gpuMemoryGb: positiveNumber(args, 'gpu-memory-gb'),
      checkpointSizeGb: positiveNumber(args, 'checkpoint-size-gb'),
      secondsPerStep: positiveNumber(args, 'seconds-per-step'),
    };
    const { document } = await readConfig(file);
    const { errors, warnings } = validateDocument(document, env);
    const derived = deriveFigures(document.values, env);
    if (args.values.json) {
      printJson(io, { errors: issuesJson(errors), warnings: issuesJson(warnings), derived });
    } else {
      for (const issue of errors) io.out(`error    ${issue.field}: ${issue.message}`);
      for (const issue of warnings) io.out(`warning  ${issue.field}: ${issue.message}`);
      io.out(`${errors.length} errors, ${warnings.length} warnings in ${file}`);
      io.out(
        `global batch ${derived.globalBatch} · ${derived.checkpoints} checkpoints (${derived.checkpointDiskGb} GB) · ${derived.validations} validations, ${derived.videos} videos · ~${derived.estimatedHours} h · ~${derived.memoryPerGpuGb} GB per GPU`,
      );
    }
    return errors.length > 0 ? 1 : 0;
  },
};

export const configSetCommand: CliCommand = {
  name: 'config set',
  summary: "Change fields of a training config in place (only their values' text); refuses invalid values.",
  usage: 'config set <file.py> <field>=<value>... [--json]',
  async run(args, io) {
    const file = requirePositional(args, 0, 'the config file');
    const assignments = args.positionals.slice(1);
    if (assignments.length === 0) throw new UsageError('give at least one <field>=<value>');
    const changes: Record<string, ConfigValue> = {};
    for (const assignment of assignments) {
      const equals = assignment.indexOf('=');
      if (equals <= 0) throw new UsageError(`"${assignment}" is not <field>=<value>`);
      const field = assignment.slice(0, equals).trim();
      const spec = fieldSpec(field);
      if (!spec) throw new UsageError(`"${field}" is not a training field; "config show" lists them`);
      changes[field] = parseFieldInput(spec, assignment.slice(equals + 1));
    }
    const { source, document } = await readConfig(file);
    const before = new Set(
      validateDocument(document, DEFAULT_ENVIRONMENT).errors.map((issue) => `${issue.field}\n${issue.message}`),
    );
    const updated = setConfigValues(source, changes);
    const introduced = validateDocument(parseConfigDocument(updated), DEFAULT_ENVIRONMENT).errors.filter(
      (issue) => !before.has(`${issue.field}\n${issue.message}`),
    );
    if (introduced.length > 0) return refuse(io, file, introduced, Boolean(args.values.json));
    if (updated !== source) await writeFileAtomic(file, updated);
    if (args.values.json) printJson(io, { file, changed: changes });
    else
      for (const [field, value] of Object.entries(changes))
        io.out(`${field} = ${pythonLiteral(value, { kind: fieldSpec(field)!.kind })}`);
    return 0;
  },
};

function refuse(io: CliIo, file: string, errors: ConfigIssue[], json: boolean): number {
  if (json) printJson(io, { file, refused: issuesJson(errors) });
  else for (const issue of errors) io.err(`refused: ${issue.message}`);
  if (!json) io.err(`Nothing was written to ${file}.`);
  return 1;
}

export const configRenderCommand: CliCommand = {
  name: 'config render',
  summary: 'Write a complete training config from a YAML profile (or a built-in one: a100x8, lowmem).',
  usage: 'config render <profile.yaml> --out <file.py> [--force] [--json]',
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run(args, io) {
    const profileArg = requirePositional(args, 0, 'the profile');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('missing --out <file.py>');
    if (existsSync(out) && !args.values.force)
      throw new ConfigError(
        `${out} already exists and was left as it is.`,
        'Choose another --out, or add --force to replace it.',
      );
    const profile = await loadProfile(profileArg);
    await writeFileAtomic(out, renderConfigFile(profile.values, `profile "${profile.name}"`));
    const fromProfile = Object.keys(profile.values).length;
    if (args.values.json) printJson(io, { file: out, profile: profile.name, fields: FIELDS.length, fromProfile });
    else
      io.out(
        `Wrote ${out} from the profile "${profile.name}": ${fromProfile} of its ${FIELDS.length} fields from the profile, the others their defaults.`,
      );
    return 0;
  },
};

async function loadProfile(argument: string): Promise<ConfigProfile> {
  const builtin = BUILTIN_PROFILES.find((profile) => profile.name === argument);
  if (builtin && !existsSync(argument)) return builtin;
  let text: string;
  try {
    text = await readFile(argument, 'utf8');
  } catch {
    throw new ConfigError(
      `Cannot read the profile ${argument}.`,
      `Give a YAML file, or one of the built-in profiles: ${BUILTIN_PROFILES.map((p) => p.name).join(', ')}.`,
    );
  }
  return parseProfile(text, path.basename(argument).replace(/\.ya?ml$/i, ''));
}

export const CONFIG_COMMANDS: readonly CliCommand[] = [
  configShowCommand,
  configCheckCommand,
  configSetCommand,
  configRenderCommand,
];
