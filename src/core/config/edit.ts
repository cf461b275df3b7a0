// Edits a config file in place: each change rewrites only its value's text; a missing field is added as one line.
// Every other byte (comments, order, unknown fields, line endings) stays as it was.
import { ConfigError } from './errors';
import { FIELDS, fieldSpec } from './fields';
import { describeProblem, parseConfigDocument, CONFIG_CLASS, type ConfigDocument } from './parse';
import { pythonLiteral } from './pythonText';
import { configValuesEqual, type ConfigValue } from './types';

/** A replacement of source[start, end) by text, against the unedited source. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Restores the table's default, which for output_dir, dataset_cfgs and wandb_run_name is Python that follows other
 * fields.
 */
export const RESET = Symbol('reset to default');
export type ConfigChange = ConfigValue | typeof RESET;

export function setConfigValue(source: string, field: string, value: ConfigValue): string {
  return applyEdits(source, configEdits(source, { [field]: value }));
}

export function setConfigValues(source: string, changes: Readonly<Record<string, ConfigChange>>): string {
  return applyEdits(source, configEdits(source, changes));
}

export function resetConfigValue(source: string, field: string): string {
  return applyEdits(source, configEdits(source, { [field]: RESET }));
}

/** The edits that make the changes, for a WorkspaceEdit (one undo step) or applyEdits. */
export function configEdits(
  source: string,
  changes: Readonly<Record<string, ConfigChange>>,
  document: ConfigDocument = parseConfigDocument(source),
): TextEdit[] {
  if (!document.classFound)
    throw new ConfigError(
      `This file has no "class ${CONFIG_CLASS}:", so it is not a Ctrl-World training config.`,
      'Open the config_*.py that train_wm.py imports.',
    );
  // An edit would bury Python's own error under ours, or be made at the wrong place: say so and change nothing.
  if (document.syntaxError) {
    throw new ConfigError(
      `This file cannot be edited: ${describeProblem(document.syntaxError)}. Nothing was changed.`,
      'Fix that line first.',
    );
  }
  const edits: TextEdit[] = [];
  const inserted: string[] = [];
  // Table order for inserted lines, so a profile adds missing fields in a stable, grouped order.
  const names = Object.keys(changes).sort((a, b) => tableIndex(a) - tableIndex(b));
  for (const name of names) {
    const change = changes[name]!;
    const spec = fieldSpec(name);
    const branch = document.conditional.get(name);
    if (branch) {
      // A plain assignment would be overridden (or override) depending on the condition: only the user knows which.
      throw new ConfigError(
        `${name} is set conditionally (${describeProblem(branch)}); nothing was changed.`,
        'Edit that block by hand.',
      );
    }
    const existing = document.effective.get(name);
    // The same value written differently (1.0 for 1, "x" for 'x') is left as the user wrote it.
    if (change !== RESET && existing?.form === 'literal' && configValuesEqual(existing.value, change)) continue;
    let text: string;
    if (change === RESET) {
      if (!spec) throw new ConfigError(`"${name}" is not a training field, so it has no default.`);
      text = spec.defaultPython ?? pythonLiteral(spec.default, { kind: spec.kind, previous: existing?.valueText });
    } else {
      text = pythonLiteral(change, { kind: spec?.kind, previous: existing?.valueText });
    }
    if (existing) {
      if (existing.valueText !== text) edits.push({ start: existing.valueStart, end: existing.valueEnd, text });
    } else {
      inserted.push(`${document.bodyIndent}${name} = ${text}${document.eol}`);
    }
  }
  if (inserted.length > 0) {
    const atEndWithoutNewline = document.insertAt === source.length && source.length > 0 && !source.endsWith('\n');
    edits.push({
      start: document.insertAt,
      end: document.insertAt,
      text: (atEndWithoutNewline ? document.eol : '') + inserted.join(''),
    });
  }
  return edits.sort((a, b) => a.start - b.start);
}

export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  let result = '';
  let position = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    result += source.slice(position, edit.start) + edit.text;
    position = edit.end;
  }
  return result + source.slice(position);
}

function tableIndex(name: string): number {
  const index = FIELDS.findIndex((field) => field.name === name);
  return index < 0 ? FIELDS.length : index;
}
