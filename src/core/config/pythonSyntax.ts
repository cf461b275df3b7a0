// The first reason Python would refuse to compile a file, found from its logical lines, so that no edit is made
// to a file Python cannot run anyway (an edit would hide the real error behind ours, or make it worse).
import type { LogicalLine } from './pythonLexer';

/** CPython's parser stops at 200 nested brackets ("too many nested parentheses"). */
export const MAX_NESTING = 200;

export interface SyntaxProblem {
  /** 0-based physical line. */
  readonly line: number;
  readonly reason: string;
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export function pythonSyntaxProblem(lines: readonly LogicalLine[]): SyntaxProblem | undefined {
  return lines.map(bracketProblem).find(Boolean) ?? indentationProblem(lines);
}

/** The deepest bracket nesting of a logical line (iterative: the evaluator recurses, this must not). */
export function nestingDepth(tokens: LogicalLine['tokens']): number {
  let depth = 0;
  let deepest = 0;
  for (const token of tokens) {
    if (token.type !== 'op') continue;
    if ('([{'.includes(token.text)) deepest = Math.max(deepest, ++depth);
    else if (')]}'.includes(token.text)) depth--;
  }
  return deepest;
}

function bracketProblem(line: LogicalLine): SyntaxProblem | undefined {
  const open: string[] = [];
  for (const token of line.tokens) {
    if (token.type === 'error') return { line: line.line, reason: 'a string that is never closed' };
    if (token.type !== 'op') continue;
    if ('([{'.includes(token.text)) {
      open.push(token.text);
      if (open.length > MAX_NESTING)
        return { line: line.line, reason: `more than ${MAX_NESTING} nested brackets, Python's limit` };
    } else if (token.text in PAIRS && open.pop() !== PAIRS[token.text]) {
      return { line: line.line, reason: `"${token.text}" does not close any bracket` };
    }
  }
  return open.length > 0 ? { line: line.line, reason: `"${open[open.length - 1]}" is never closed` } : undefined;
}

/** Python's INDENT/DEDENT rules: a block after ":", no indent elsewhere, a dedent back to an outer level. */
function indentationProblem(lines: readonly LogicalLine[]): SyntaxProblem | undefined {
  const levels = [0];
  let expectBlock = false;
  for (const line of lines) {
    const top = levels[levels.length - 1]!;
    if (line.indent > top) {
      if (!expectBlock) return { line: line.line, reason: 'unexpected indentation' };
      levels.push(line.indent);
    } else {
      if (expectBlock) return { line: line.line, reason: 'an indented block is expected after the line ending in ":"' };
      while (levels[levels.length - 1]! > line.indent) levels.pop();
      if (levels[levels.length - 1] !== line.indent)
        return { line: line.line, reason: 'the indentation matches no outer level' };
    }
    expectBlock = line.tokens[line.tokens.length - 1]?.text === ':';
  }
  return expectBlock
    ? { line: lines[lines.length - 1]!.line, reason: 'the file ends where an indented block is expected' }
    : undefined;
}
