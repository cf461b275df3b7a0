// Turns what a person types (CLI `field=value`, the editor's inputs) or a YAML profile holds into a field's value,
// refusing what does not fit the field's type with a message that names the field.
import { ConfigError } from './errors';
import { evaluate } from './evaluate';
import type { FieldSpec } from './fields';
import { logicalLines } from './pythonLexer';
import type { ConfigValue } from './types';

/** Text typed for a field: 4, 5e-6, True, None, "a path", [0.5, 0.5], torch.float32. */
export function parseFieldInput(spec: FieldSpec, input: string): ConfigValue {
  const text = input.trim();
  const { name } = spec;
  if (spec.nullable && /^(none|null)?$/i.test(text)) return null;
  switch (spec.kind) {
    case 'int': {
      const value = Number(text.replace(/_/g, ''));
      if (text === '' || !Number.isInteger(value))
        throw new ConfigError(`${name} must be a whole number; "${input}" is not.`);
      return value;
    }
    case 'float': {
      const value = Number(text.replace(/_/g, ''));
      if (text === '' || !Number.isFinite(value))
        throw new ConfigError(`${name} must be a number such as 5e-6; "${input}" is not.`);
      return value;
    }
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(text)) return true;
      if (/^(false|no|off|0)$/i.test(text)) return false;
      throw new ConfigError(`${name} must be True or False; "${input}" is neither.`);
    case 'choice': {
      const value = unquote(text);
      if (!spec.choices!.includes(value))
        throw new ConfigError(`${name} must be one of ${spec.choices!.join(', ')}; "${input}" is not.`);
      return value;
    }
    case 'dtype': {
      const value = unquote(text).replace(/^(?!torch\.)/, 'torch.');
      if (!spec.choices!.includes(value))
        throw new ConfigError(`${name} must be one of ${spec.choices!.join(', ')}; "${input}" is not.`);
      return { expression: value };
    }
    case 'floatList': {
      const items = text
        .replace(/^\[|\]$/g, '')
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
      if (items.length === 0 || items.some((item) => !Number.isFinite(item)))
        throw new ConfigError(`${name} must be a list of numbers such as [0.5, 0.5]; "${input}" is not.`);
      return items;
    }
    default:
      return unquote(text);
  }
}

/** A value read from YAML (numbers, booleans, strings, lists) for a field. */
export function coerceFieldValue(spec: FieldSpec, raw: unknown): ConfigValue {
  const { name } = spec;
  if (raw === null || raw === undefined) {
    if (spec.nullable) return null;
    throw new ConfigError(`${name} has no value, but training needs one.`);
  }
  if (
    spec.kind === 'dtype' &&
    typeof raw === 'object' &&
    typeof (raw as { expression?: unknown }).expression === 'string'
  ) {
    return parseFieldInput(spec, (raw as { expression: string }).expression);
  }
  if (spec.kind === 'floatList') {
    const items = Array.isArray(raw) ? raw : [raw];
    if (!items.every((item) => typeof item === 'number'))
      throw new ConfigError(`${name} must be a list of numbers such as [1.0].`);
    return items as number[];
  }
  if (typeof raw === 'string' && spec.kind !== 'string' && spec.kind !== 'path') return parseFieldInput(spec, raw);
  const expected = {
    int: 'number',
    float: 'number',
    bool: 'boolean',
    string: 'string',
    path: 'string',
    choice: 'string',
    dtype: 'string',
  }[spec.kind];
  if (typeof raw !== expected) throw new ConfigError(`${name} must be a ${expected}; it is ${JSON.stringify(raw)}.`);
  if (spec.kind === 'int' && !Number.isInteger(raw))
    throw new ConfigError(`${name} must be a whole number; it is ${String(raw)}.`);
  return raw as ConfigValue;
}

/** A Python or shell-style quoted string loses its quotes and escapes; anything else is taken as typed. */
function unquote(text: string): string {
  if (!/^[rRuU]?(['"]).*\1$/s.test(text)) return text;
  const tokens = logicalLines(text).flatMap((line) => line.tokens);
  const result = evaluate(tokens, text, new Map());
  return result.ok && typeof result.value === 'string' ? result.value : text;
}
