// Writes config values as Python source, in the style of the text they replace (quotes, exponents, underscores).
import type { FieldKind } from './fields';
import { isExpression, type ConfigValue } from './types';

export interface LiteralStyle {
  /** The field's kind, so 1 is written 1.0 for a float field. */
  readonly kind?: FieldKind;
  /** The value text being replaced, whose quote, exponent and digit-grouping style is kept. */
  readonly previous?: string;
}

export function pythonLiteral(value: ConfigValue, style: LiteralStyle = {}): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value, style);
  if (typeof value === 'string') return pythonString(value, preferredQuote(style.previous));
  if (Array.isArray(value)) {
    const itemKind = style.kind === 'floatList' ? 'float' : undefined;
    return `[${value.map((item) => pythonLiteral(item, { kind: itemKind })).join(', ')}]`;
  }
  if (isExpression(value)) return value.expression;
  throw new Error(`Unexpected config value ${String(value)}`);
}

function pythonNumber(value: number, { kind, previous }: LiteralStyle): string {
  if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : value < 0 ? "float('-inf')" : "float('nan')";
  const float =
    kind === 'float' ||
    (kind === undefined && previous !== undefined && /[.eE]/.test(previous) && !/^0[xob]/i.test(previous));
  // A float field written as an int ("guidance_scale = 2") stays an int while the value is whole.
  const wroteInt = previous !== undefined && /^[+-]?\d[\d_]*$/.test(previous);
  if (float && !(wroteInt && Number.isInteger(value))) {
    // 5e-6 reads better than 0.000005; keep an exponent where the replaced text had one.
    if (value !== 0 && ((previous && /[eE]/.test(previous)) || (!previous && Math.abs(value) < 1e-3)))
      return value.toExponential().replace('e+', 'e');
    const text = String(value);
    return Number.isInteger(value) && !/e/.test(text) ? `${text}.0` : text;
  }
  if (!Number.isInteger(value)) return String(value);
  if (previous?.includes('_') && Math.abs(value) >= 10_000) return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  return String(value);
}

function preferredQuote(previous: string | undefined): '"' | "'" {
  const match = previous ? /^[a-zA-Z]*(['"])/.exec(previous) : null;
  return match?.[1] === "'" ? "'" : '"';
}

export function pythonString(text: string, quote: '"' | "'" = '"'): string {
  const escaped = text.replace(/[\\\n\r\t]|["']/g, (char) => {
    if (char === '\\') return '\\\\';
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return char === quote ? `\\${char}` : char;
  });
  return `${quote}${escaped}${quote}`;
}

/** Python's str() of a value, as an f-string inserts it. */
export function formatPythonStr(value: ConfigValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (isExpression(value)) return value.expression;
  return `[${value.map((item) => (typeof item === 'string' ? pythonString(item, "'") : formatPythonStr(item))).join(', ')}]`;
}

/** Python's repr() of a non-integer float: scientific below 1e-4 or from 1e16, with a two-digit exponent. */
function pythonFloatRepr(value: number): string {
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent >= -4 && exponent < 16)
    return String(value).includes('e') ? value.toFixed(Math.max(0, -exponent + 15)).replace(/0+$/, '') : String(value);
  const [mantissa, power] = value.toExponential().split('e') as [string, string];
  const sign = power.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
}
