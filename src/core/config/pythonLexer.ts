// Splits Python source into tokens and logical lines (brackets and backslashes joined), keeping byte offsets so
// that an edit can replace exactly one value's text.

export type TokenType = 'name' | 'number' | 'string' | 'op' | 'error';

export interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface LogicalLine {
  /** Column of the first token: the statement's indentation. */
  readonly indent: number;
  /** 0-based physical line of the first token. */
  readonly line: number;
  readonly tokens: readonly Token[];
  /** Offset of the first token and the end of the last one (before any trailing comment). */
  readonly start: number;
  readonly end: number;
}

// Sticky patterns, matched at an offset of the whole source without copying it.
const STRING_START = /(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?(?:'''|"""|'|")/y;
const NUMBER =
  /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)/y;
const LINE_END = /[\r\n]/g;
const NAME = /[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/y;

function matchAt(pattern: RegExp, source: string, position: number): string | undefined {
  pattern.lastIndex = position;
  return pattern.exec(source)?.[0];
}
const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
];
const OPENING = '([{';
const CLOSING = ')]}';

/** Reads the logical lines of a whole file. Comments and blank lines produce none. */
export function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let tokens: Token[] = [];
  let depth = 0;
  let position = 0;
  let physicalLine = 0;
  let lineStart = 0;
  let firstLine = 0;
  let firstColumn = 0;

  const finish = () => {
    if (tokens.length > 0) {
      lines.push({
        indent: firstColumn,
        line: firstLine,
        tokens,
        start: tokens[0]!.start,
        end: tokens[tokens.length - 1]!.end,
      });
    }
    tokens = [];
    depth = 0;
  };
  const push = (token: Token, line = physicalLine, startOfLine = lineStart) => {
    if (tokens.length === 0) {
      firstLine = line;
      firstColumn = token.start - startOfLine;
    }
    tokens.push(token);
  };
  const newline = (at: number) => {
    physicalLine++;
    lineStart = at;
  };

  while (position < source.length) {
    const char = source[position]!;
    if (char === '\n' || char === '\r') {
      const width = char === '\r' && source[position + 1] === '\n' ? 2 : 1;
      position += width;
      newline(position);
      if (depth === 0) finish();
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\f') {
      position++;
      continue;
    }
    if (char === '#') {
      LINE_END.lastIndex = position;
      position = LINE_END.exec(source)?.index ?? source.length;
      continue;
    }
    if (char === '\\' && (source[position + 1] === '\n' || source[position + 1] === '\r')) {
      position += source[position + 1] === '\r' && source[position + 2] === '\n' ? 3 : 2;
      newline(position);
      continue;
    }
    const stringStart = matchAt(STRING_START, source, position);
    if (stringStart) {
      const [line, startOfLine] = [physicalLine, lineStart];
      const end = stringEnd(source, position + stringStart.length, stringStart.replace(/^[^'"]+/, ''), (at) =>
        newline(at),
      );
      push(
        {
          type: end.closed ? 'string' : 'error',
          text: source.slice(position, end.offset),
          start: position,
          end: end.offset,
        },
        line,
        startOfLine,
      );
      position = end.offset;
      continue;
    }
    const number = (char >= '0' && char <= '9') || char === '.' ? matchAt(NUMBER, source, position) : undefined;
    if (number) {
      push({ type: 'number', text: number, start: position, end: position + number.length });
      position += number.length;
      continue;
    }
    const name = matchAt(NAME, source, position);
    if (name) {
      push({ type: 'name', text: name, start: position, end: position + name.length });
      position += name.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, position)) ?? char;
    if (OPENING.includes(op)) depth++;
    if (CLOSING.includes(op)) depth = Math.max(0, depth - 1);
    push({ type: 'op', text: op, start: position, end: position + op.length });
    position += op.length;
  }
  finish();
  return lines;
}

/** Finds the end of a string literal whose quote is `quote`; an unterminated one ends at the line (or file) end. */
function stringEnd(
  source: string,
  from: number,
  quote: string,
  onNewline: (at: number) => void,
): { offset: number; closed: boolean } {
  const triple = quote.length === 3;
  let position = from;
  while (position < source.length) {
    const char = source[position]!;
    if (char === '\\') {
      if (source[position + 1] === '\n' || source[position + 1] === '\r') onNewline(position + 2);
      position += 2;
      continue;
    }
    if (source.startsWith(quote, position)) return { offset: position + quote.length, closed: true };
    if (char === '\n' || char === '\r') {
      if (!triple) return { offset: position, closed: false };
      onNewline(position + 1);
    }
    position++;
  }
  return { offset: source.length, closed: false };
}

/** The 0-based line of an offset. */
export function lineOf(source: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n' || (source[i] === '\r' && source[i + 1] !== '\n')) line++;
  }
  return line;
}
