// Writes a complete config file from values (a profile over the table's defaults), grouped and commented like the
// table, with output_dir, dataset_cfgs and wandb_run_name kept as the expressions upstream uses when they agree.
import { FIELDS, GROUPS, fieldSpec, type FieldSpec } from './fields';
import { parseConfig, CONFIG_CLASS } from './parse';
import { logicalLines } from './pythonLexer';
import { pythonLiteral } from './pythonText';
import { configValuesEqual, type ConfigValue } from './types';

/** Fields missing from `values` take the table's default; those that follow others (output_dir) keep following. */
export function renderConfigFile(values: Readonly<Record<string, ConfigValue>>, origin: string): string {
  const lines = [
    `# Ctrl-World training config (${origin}).`,
    '# Train with Start Flexiv Training, which gives train_wm.py this file as its `config` module.',
    'import torch',
    'from dataclasses import dataclass',
    '',
    '',
    '@dataclass',
    `class ${CONFIG_CLASS}:`,
  ];
  const written: Record<string, ConfigValue> = {};
  const emitted = new Set<string>();
  const deferred: FieldSpec[] = [];
  let group = '';
  const emit = (spec: FieldSpec, inCurrentGroup = false) => {
    if (spec.group !== group && !inCurrentGroup) {
      group = spec.group;
      const { title, doc } = GROUPS.find((g) => g.id === group)!;
      lines.push(
        `${lines[lines.length - 1] === `class ${CONFIG_CLASS}:` ? '' : '\n'}    # ${title}: ${doc[0]!.toLowerCase()}${doc.slice(1)}`,
      );
    }
    const follows = spec.defaultPython !== undefined ? expressionValue(spec, written) : undefined;
    const value = values[spec.name] ?? follows ?? spec.default;
    const followsOthers = follows !== undefined && configValuesEqual(follows, value);
    lines.push(`    # ${spec.doc}${spec.unit ? ` [${spec.unit}]` : ''}`);
    lines.push(`    ${spec.name} = ${followsOthers ? spec.defaultPython : pythonLiteral(value, { kind: spec.kind })}`);
    written[spec.name] = value;
    emitted.add(spec.name);
  };
  for (const spec of FIELDS) {
    // A field that follows others (output_dir = f"model_ckpt/{tag}") comes after them, as Python needs.
    if (referencesOf(spec).some((name) => !emitted.has(name))) deferred.push(spec);
    else emit(spec);
    for (const waiting of [...deferred]) {
      if (referencesOf(waiting).every((name) => emitted.has(name))) {
        deferred.splice(deferred.indexOf(waiting), 1);
        emit(waiting, true);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** What the field's default expression (f"model_ckpt/{tag}") gives with these values. */
export function expressionValue(spec: FieldSpec, values: Record<string, ConfigValue>): ConfigValue | undefined {
  if (!spec.defaultPython) return undefined;
  const body = referencesOf(spec).map(
    (name) => `    ${name} = ${pythonLiteral(values[name] ?? fieldSpec(name)!.default)}`,
  );
  return parseConfig(`class ${CONFIG_CLASS}:\n${body.join('\n')}\n    ${spec.name} = ${spec.defaultPython}\n`).values[
    spec.name
  ];
}

function referencesOf(spec: FieldSpec): string[] {
  if (!spec.defaultPython) return [];
  const names = logicalLines(spec.defaultPython)
    .flatMap((line) => line.tokens)
    .filter((token) => token.type === 'name')
    .map((token) => token.text);
  const inFString = [...spec.defaultPython.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return [...new Set([...names, ...inFString])].filter((name) => fieldSpec(name));
}
