// Checks one field's value against its row of the table: type, choices, range and multiple.
import type { FieldSpec } from './fields';
import { pythonLiteral } from './pythonText';
import { isExpression, type ConfigIssue, type ConfigValue } from './types';

export interface FieldIssues {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/** float('nan'), float("inf"), float('-Infinity'): Python accepts them, training cannot count with them. */
const NON_FINITE = /^float\(\s*(['"])[+-]?(nan|inf|infinity)\1\s*\)$/i;

export function checkField(spec: FieldSpec, value: ConfigValue | undefined, into: FieldIssues): void {
  const { name } = spec;
  const shown = value === undefined ? '' : pythonLiteral(value, { kind: spec.kind });
  const reset = { title: `Reset ${name} to its default`, changes: { [name]: spec.default } };
  const error = (message: string, fix: ConfigIssue['fix'] = reset): void => {
    into.errors.push({ field: name, message, fix });
  };
  if (value === undefined) {
    error(
      `${name} is not set in the file: train_wm.py reads args.${name} and would stop with an AttributeError. Add it (default ${pythonLiteral(spec.default, { kind: spec.kind })}).`,
      { title: `Add ${name}`, changes: { [name]: spec.default } },
    );
    return;
  }
  if (isExpression(value) && (spec.kind === 'int' || spec.kind === 'float') && NON_FINITE.test(value.expression)) {
    error(
      `${name} is ${value.expression}, which is not a finite number: every figure derived from it (checkpoint names, ` +
        'steps, hours) would be meaningless. Set a number.',
    );
    return;
  }
  if (isExpression(value) && spec.kind !== 'dtype') {
    into.warnings.push({
      field: name,
      message: `${name} is the Python expression \`${value.expression}\`, which cannot be checked before launch.`,
    });
    return;
  }
  if (value === null) {
    if (!spec.nullable)
      error(
        `${name} is None, but training needs a value. Set it (default ${pythonLiteral(spec.default, { kind: spec.kind })}).`,
      );
    return;
  }
  switch (spec.kind) {
    case 'int':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return error(`${name} must be a number; it is ${shown}.`);
      if (spec.kind === 'int' && !Number.isInteger(value))
        return error(`${name} must be a whole number; it is ${shown}.`, {
          title: `Set ${name} to ${Math.round(value)}`,
          changes: { [name]: Math.round(value) },
        });
      // Past 2^53 whole numbers are not exact: steps and checkpoint names (checkpoint-1e+300.pt) lose their meaning.
      if (spec.kind === 'int' && !Number.isSafeInteger(value))
        return error(`${name} is ${shown}, too large to count with; use a realistic number.`);
      return checkRange(spec, value, into);
    case 'bool':
      if (typeof value !== 'boolean') error(`${name} must be True or False; it is ${shown}.`);
      return;
    case 'string':
    case 'path':
      if (typeof value !== 'string') return error(`${name} must be a string; it is ${shown}.`);
      if (value.trim() === '') error(`${name} is empty.${spec.nullable ? ' Use None for no value.' : ''}`);
      return;
    case 'choice':
      if (typeof value !== 'string' || !spec.choices!.includes(value))
        error(`${name} must be one of ${spec.choices!.map((c) => `"${c}"`).join(', ')}; it is ${shown}.`);
      return;
    case 'dtype':
      if (!isExpression(value) || !spec.choices!.includes(value.expression))
        error(`${name} must be one of ${spec.choices!.join(', ')}; it is ${shown}.`);
      return;
    case 'floatList':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((item) => typeof item === 'number' && Number.isFinite(item) && item >= 0)
      ) {
        error(`${name} must be a list of non-negative numbers such as [1.0]; it is ${shown}.`);
      }
      return;
  }
}

function checkRange(spec: FieldSpec, value: number, into: FieldIssues): void {
  const { name } = spec;
  if (spec.min !== undefined && (value < spec.min || (spec.exclusiveMin && value === spec.min))) {
    const allowed = spec.exclusiveMin ? `more than ${spec.min}` : `at least ${spec.min}`;
    const fix = spec.exclusiveMin
      ? { title: `Reset ${name} to its default`, changes: { [name]: spec.default } }
      : { title: `Set ${name} to ${spec.min}`, changes: { [name]: spec.min } };
    into.errors.push({ field: name, message: `${name} must be ${allowed}; it is ${value}.`, fix });
    return;
  }
  if (spec.max !== undefined && value > spec.max) {
    into.errors.push({
      field: name,
      message: `${name} must be at most ${spec.max}; it is ${value}.`,
      fix: { title: `Set ${name} to ${spec.max}`, changes: { [name]: spec.max } },
    });
    return;
  }
  if (spec.multipleOf !== undefined && value % spec.multipleOf !== 0) {
    const nearest = Math.max(spec.min ?? spec.multipleOf, Math.round(value / spec.multipleOf) * spec.multipleOf);
    into.errors.push({
      field: name,
      message: `${name} must be a multiple of ${spec.multipleOf}, as SVD's VAE and UNet need; it is ${value}. Use ${nearest}.`,
      fix: { title: `Set ${name} to ${nearest}`, changes: { [name]: nearest } },
    });
    return;
  }
  const high = spec.warnAbove;
  if (high && value > high.limit) {
    into.warnings.push({
      field: name,
      message: `${name} is ${value}, ${high.why}.`,
      fix: { title: `Set ${name} to ${high.suggested}`, changes: { [name]: high.suggested } },
    });
  }
}
