// Evaluates the right-hand side of a wm_args assignment the way Python would, for the subset configs use:
// literals, f-strings, lists, names of earlier fields and arithmetic. Anything else is reported, never guessed.
import { logicalLines, type Token } from './pythonLexer';
import { MAX_NESTING, nestingDepth } from './pythonSyntax';
import { formatPythonStr } from './pythonText';
import type { ConfigValue } from './types';

/** How a value is written: the editor says "follows tag" for an f-string, "same as dataset_names" for a reference. */
export type ValueForm = 'literal' | 'fstring' | 'reference' | 'computed' | 'expression';

export type Evaluation =
  | { readonly ok: true; readonly value: ConfigValue; readonly form: ValueForm; readonly references: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly references: readonly string[] };

/** A name the expression may use: an earlier field or a module-level constant; `undefined` when it failed. */
export type Scope = ReadonlyMap<string, ConfigValue | undefined>;

class NotUnderstood extends Error {}

export function evaluate(tokens: readonly Token[], source: string, scope: Scope): Evaluation {
  const evaluator = new Evaluator(tokens, source, scope);
  try {
    if (tokens.length === 0) throw new NotUnderstood('no value');
    // The evaluator recurses once per bracket or prefix operator: bound it before it can exhaust the stack.
    if (nestingDepth(tokens) > MAX_NESTING)
      throw new NotUnderstood(`a value nested more than ${MAX_NESTING} brackets deep`);
    const value = evaluator.expression();
    if (evaluator.position < tokens.length) throw new NotUnderstood(`unexpected "${tokens[evaluator.position]!.text}"`);
    return { ok: true, value, form: evaluator.form(), references: [...evaluator.references] };
  } catch (error) {
    // `- - - … 1` or `not not … x` recurse without brackets; a stack overflow is reported like any unreadable value.
    if (error instanceof RangeError)
      return { ok: false, reason: 'a value too deeply nested to read', references: [...evaluator.references] };
    if (!(error instanceof NotUnderstood)) throw error;
    return { ok: false, reason: error.message, references: [...evaluator.references] };
  }
}

class Evaluator {
  position = 0;
  readonly references = new Set<string>();
  private fstring = false;
  private computed = false;
  private opaque = false;
  private atoms = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly scope: Scope,
  ) {}

  form(): ValueForm {
    if (this.opaque) return 'expression';
    if (this.fstring) return 'fstring';
    if (this.computed) return 'computed';
    if (this.references.size > 0) return this.atoms === 1 ? 'reference' : 'computed';
    return 'literal';
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private isOp(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'op' && token.text === text;
  }

  private expect(text: string): void {
    if (!this.isOp(text)) throw new NotUnderstood(`expected "${text}"`);
    this.position++;
  }

  expression(): ConfigValue {
    let value = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.tokens[this.position++]!.text;
      value = binary(op, value, this.term());
      this.computed = true;
    }
    return value;
  }

  private term(): ConfigValue {
    let value = this.unary();
    while (['*', '/', '//', '%'].some((op) => this.isOp(op))) {
      const op = this.tokens[this.position++]!.text;
      value = binary(op, value, this.unary());
      this.computed = true;
    }
    return value;
  }

  private unary(): ConfigValue {
    if (this.isOp('-') || this.isOp('+')) {
      const negative = this.tokens[this.position++]!.text === '-';
      const value = this.unary();
      if (typeof value !== 'number') throw new NotUnderstood('a sign before something that is not a number');
      return negative ? -value : value;
    }
    const base = this.atom();
    if (this.isOp('**')) {
      this.position++;
      this.computed = true;
      return binary('**', base, this.unary());
    }
    return base;
  }

  private atom(): ConfigValue {
    const token = this.peek();
    if (!token) throw new NotUnderstood('the value ends too early');
    this.atoms++;
    if (token.type === 'number') {
      this.position++;
      return parseNumber(token.text);
    }
    if (token.type === 'string') return this.strings();
    if (token.type === 'name') return this.name();
    if (token.type === 'op' && token.text === '[') return this.list();
    if (token.type === 'op' && token.text === '(') return this.parenthesised();
    if (token.type === 'op' && token.text === '{') return this.opaqueBracket();
    throw new NotUnderstood(token.type === 'error' ? 'an unterminated string' : `unexpected "${token.text}"`);
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): ConfigValue {
    let text = '';
    while (this.peek()?.type === 'string') {
      const token = this.tokens[this.position++]!;
      const literal = splitStringLiteral(token.text);
      if (literal.prefix.includes('b')) throw new NotUnderstood('bytes literals');
      if (literal.prefix.includes('f')) {
        this.fstring = true;
        text += this.formatted(literal.body, literal.prefix.includes('r'));
      } else {
        text += literal.prefix.includes('r') ? literal.body : unescape(literal.body);
      }
    }
    return text;
  }

  private formatted(body: string, raw: boolean): string {
    let out = '';
    let i = 0;
    while (i < body.length) {
      if (body.startsWith('{{', i) || body.startsWith('}}', i)) {
        out += body[i];
        i += 2;
      } else if (body[i] === '{') {
        const close = body.indexOf('}', i);
        if (close < 0) throw new NotUnderstood('an f-string with an unclosed "{"');
        const inner = body.slice(i + 1, close);
        if (/[!:]/.test(inner.replace(/!=/g, ''))) throw new NotUnderstood('f-string conversions and format specs');
        const innerTokens = logicalLines(inner).flatMap((line) => line.tokens);
        const nested = evaluate(innerTokens, inner, this.scope);
        nested.references.forEach((name) => this.references.add(name));
        if (!nested.ok) throw new NotUnderstood(nested.reason);
        out += formatPythonStr(nested.value);
        i = close + 1;
      } else {
        const next = body.slice(i).search(/[{}]/);
        const chunk = next < 0 ? body.slice(i) : body.slice(i, i + next);
        out += raw ? chunk : unescape(chunk);
        i += chunk.length;
        if (next >= 0 && body[i] === '}' && body[i + 1] !== '}') throw new NotUnderstood('a single "}" in an f-string');
      }
    }
    return out;
  }

  private name(): ConfigValue {
    const token = this.tokens[this.position++]!;
    if (token.text === 'True') return true;
    if (token.text === 'False') return false;
    if (token.text === 'None') return null;
    if (this.isOp('.')) return this.dotted(token);
    if (this.isOp('(')) throw new NotUnderstood(`a call to ${token.text}()`);
    if (!this.scope.has(token.text)) throw new NotUnderstood(`the name "${token.text}", which is not defined above it`);
    this.references.add(token.text);
    const value = this.scope.get(token.text);
    if (value === undefined) throw new NotUnderstood(`"${token.text}", which could not be read itself`);
    return value;
  }

  /** `torch.bfloat16`: a Python object the editor keeps as text. A call such as os.path.join() is not evaluated. */
  private dotted(first: Token): ConfigValue {
    let last = first;
    while (this.isOp('.') && this.peek(1)?.type === 'name') {
      last = this.tokens[this.position + 1]!;
      this.position += 2;
    }
    const text = this.source.slice(first.start, last.end);
    if (this.isOp('(')) throw new NotUnderstood(`a call to ${text}()`);
    if (this.isOp('[')) throw new NotUnderstood(`indexing ${text}[...]`);
    if (this.scope.has(first.text)) throw new NotUnderstood(`an attribute of the field ${first.text}`);
    this.opaque = true;
    return { expression: text };
  }

  private list(): ConfigValue {
    if (this.comprehensionAhead()) throw new NotUnderstood('list comprehensions');
    this.expect('[');
    const items: ConfigValue[] = [];
    while (!this.isOp(']')) {
      items.push(this.expression());
      if (!this.isOp(']')) this.expect(',');
    }
    this.expect(']');
    return items;
  }

  /** A `for` directly inside the bracket that starts here. */
  private comprehensionAhead(): boolean {
    let depth = 0;
    for (let i = this.position; i < this.tokens.length; i++) {
      const token = this.tokens[i]!;
      if (token.type === 'op' && '([{'.includes(token.text)) depth++;
      else if (token.type === 'op' && ')]}'.includes(token.text) && --depth === 0) return false;
      else if (depth === 1 && token.type === 'name' && token.text === 'for') return true;
    }
    return false;
  }

  /** `(value)` is the value; a tuple is kept as text, as ConfigValue has no tuple. */
  private parenthesised(): ConfigValue {
    const start = this.tokens[this.position]!;
    this.expect('(');
    const first = this.isOp(')') ? undefined : this.expression();
    if (this.isOp(')') && first !== undefined) {
      this.position++;
      return first;
    }
    while (!this.isOp(')')) {
      if (!this.isOp(',')) throw new NotUnderstood(`unexpected "${this.peek()?.text ?? 'end'}" in parentheses`);
      this.position++;
      if (!this.isOp(')')) this.expression();
    }
    const end = this.tokens[this.position++]!;
    this.opaque = true;
    return { expression: this.source.slice(start.start, end.end) };
  }

  /** A dict or set literal (rollout tables such as gripper_max_dict): kept as text. */
  private opaqueBracket(): ConfigValue {
    const start = this.tokens[this.position]!;
    let depth = 0;
    do {
      const token = this.tokens[this.position++];
      if (!token) throw new NotUnderstood('an unclosed "{"');
      if (token.type === 'op' && '([{'.includes(token.text)) depth++;
      if (token.type === 'op' && ')]}'.includes(token.text)) depth--;
    } while (depth > 0);
    this.opaque = true;
    return { expression: this.source.slice(start.start, this.tokens[this.position - 1]!.end) };
  }
}

function binary(op: string, left: ConfigValue, right: ConfigValue): ConfigValue {
  if (typeof left === 'number' && typeof right === 'number') {
    switch (op) {
      case '+':
        return left + right;
      case '-':
        return left - right;
      case '*':
        return left * right;
      case '/':
        if (right !== 0) return left / right;
        break;
      case '//':
        if (right !== 0) return Math.floor(left / right);
        break;
      case '%':
        if (right !== 0) return left - right * Math.floor(left / right);
        break;
      case '**':
        return left ** right;
    }
    throw new NotUnderstood(`a division by zero`);
  }
  if (op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
  if (op === '+' && Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  throw new NotUnderstood(`"${op}" between these values`);
}

export function parseNumber(text: string): number {
  const clean = text.replace(/_/g, '');
  if (/[jJ]$/.test(clean)) throw new NotUnderstood('complex numbers');
  if (/^0[xXoObB]/.test(clean))
    return parseInt(clean.slice(2), { x: 16, o: 8, b: 2 }[clean[1]!.toLowerCase() as 'x' | 'o' | 'b']);
  const value = Number(clean);
  if (!Number.isFinite(value)) throw new NotUnderstood(`the number ${text}`);
  return value;
}

export function splitStringLiteral(text: string): { prefix: string; quote: string; body: string } {
  const prefix = /^[a-zA-Z]*/.exec(text)![0];
  const rest = text.slice(prefix.length);
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest[0]!;
  return { prefix: prefix.toLowerCase(), quote, body: rest.slice(quote.length, rest.length - quote.length) };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

function unescape(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|\r\n|[\s\S])/g,
    (whole, code: string) => {
      if (/^[xuU]/.test(code)) return String.fromCodePoint(parseInt(code.slice(1), 16));
      if (code.startsWith('N{')) throw new NotUnderstood('\\N{...} escapes');
      if (code === '\r\n') return '';
      return ESCAPES[code] ?? whole;
    },
  );
}
