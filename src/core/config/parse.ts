// Reads a config*.py file: finds `class wm_args`, evaluates its class attributes in order as Python would, and
// keeps where each value's text is so it can be edited in place. What it cannot read it reports.
import { evaluate, type Scope, type ValueForm } from './evaluate';
import { fieldSpec } from './fields';
import { logicalLines, type LogicalLine, type Token } from './pythonLexer';
import { pythonSyntaxProblem } from './pythonSyntax';
import type { ConfigValue, ParsedConfig } from './types';

export const CONFIG_CLASS = 'wm_args';

export interface Assignment {
  readonly name: string;
  /** 0-based line of the statement. */
  readonly line: number;
  readonly nameStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly valueText: string;
  readonly value: ConfigValue;
  /** How the value is written; 'unreadable' when the parser could not evaluate it (the value is then its text). */
  readonly form: ValueForm | 'unreadable';
  /** Why the value could not be read. */
  readonly problem?: string;
  /** Names of other fields the value is computed from. */
  readonly references: readonly string[];
}

export interface SourceProblem {
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

export interface ConfigDocument {
  readonly classFound: boolean;
  readonly classLine: number;
  /** The whitespace that indents class attributes, for inserting a missing field. */
  readonly bodyIndent: string;
  /** Class-level assignments in source order, overridden ones included. */
  readonly assignments: readonly Assignment[];
  /** The assignment that wins for each name (the last one). */
  readonly effective: ReadonlyMap<string, Assignment>;
  readonly values: Record<string, ConfigValue>;
  readonly problems: readonly SourceProblem[];
  /** Fields assigned inside an if/for/while/try/with block of the class: which value wins depends on a condition. */
  readonly conditional: ReadonlyMap<string, SourceProblem>;
  /** Why Python would refuse to compile the file; no edit is made while there is one. */
  readonly syntaxError?: SourceProblem;
  /** Offset just after the line of the last class-level assignment: where a missing field is inserted. */
  readonly insertAt: number;
  readonly eol: string;
}

export function parseConfig(source: string): ParsedConfig {
  const document = parseConfigDocument(source);
  return { values: document.values, unparsed: document.problems.map(describeProblem) };
}

export function describeProblem(problem: SourceProblem): string {
  return `line ${problem.line + 1}: ${problem.text} (${problem.reason})`;
}

export function parseConfigDocument(source: string): ConfigDocument {
  const lines = logicalLines(source);
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const classIndex = lines.findIndex(isConfigClass);
  if (classIndex < 0) {
    return {
      classFound: false,
      classLine: 0,
      bodyIndent: '    ',
      assignments: [],
      effective: new Map(),
      values: {},
      insertAt: source.length,
      eol,
      conditional: new Map(),
      syntaxError: syntaxError(lines, source),
      problems: [
        {
          line: 0,
          text: `class ${CONFIG_CLASS}`,
          reason: `no "class ${CONFIG_CLASS}:" in this file, so it is not a Ctrl-World training config`,
        },
      ],
    };
  }
  const classLine = lines[classIndex]!;
  const scope = moduleScope(lines.slice(0, classIndex), source);
  const problems: SourceProblem[] = [];
  const conditional = new Map<string, SourceProblem>();
  const assignments: Assignment[] = [];
  const body = classBody(lines, classIndex);
  const bodyIndent = body.length > 0 ? source.slice(body[0]!.start - body[0]!.indent, body[0]!.start) : '    ';
  const bodyColumn = body[0]?.indent ?? 4;
  let insertAt = endOfPhysicalLine(source, classLine.end);

  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    const nested: LogicalLine[] = [];
    while (i + 1 < body.length && body[i + 1]!.indent > bodyColumn) nested.push(body[++i]!);
    if (line.indent !== bodyColumn) {
      problems.push(problemAt(line, source, 'indentation the parser does not follow'));
      continue;
    }
    const statement = classifyStatement(line);
    if (statement.kind === 'skip') continue;
    if (statement.kind === 'block') {
      problems.push(problemAt(line, source, 'a statement that is not a plain assignment'));
      for (const [name, at] of blockAssignments(line, nested)) {
        const problem = problemAt(
          at,
          source,
          `${name} is assigned inside this "${statement.keyword}" block, so its value depends on a condition`,
        );
        if (!conditional.has(name)) conditional.set(name, problem);
        problems.push(problem);
      }
      continue;
    }
    if (statement.kind === 'method') {
      problems.push(...runtimeOverrides(nested, source, statement.name));
      continue;
    }
    if (statement.kind === 'problem') {
      problems.push(problemAt(line, source, statement.reason));
      continue;
    }
    const { nameToken, valueTokens } = statement;
    const valueStart = valueTokens[0]!.start;
    const valueEnd = valueTokens[valueTokens.length - 1]!.end;
    const valueText = source.slice(valueStart, valueEnd);
    const result = evaluate(valueTokens, source, scope);
    const common = {
      name: nameToken.text,
      line: line.line,
      nameStart: nameToken.start,
      valueStart,
      valueEnd,
      valueText,
      references: result.references,
    };
    if (result.ok) {
      assignments.push({ ...common, value: result.value, form: result.form });
      scope.set(nameToken.text, result.value);
    } else {
      assignments.push({ ...common, value: { expression: valueText }, form: 'unreadable', problem: result.reason });
      scope.set(nameToken.text, undefined);
      problems.push(problemAt(line, source, result.reason));
    }
    insertAt = endOfPhysicalLine(source, valueEnd);
  }
  const effective = new Map(assignments.map((assignment) => [assignment.name, assignment]));
  const values = Object.fromEntries([...effective].map(([name, assignment]) => [name, assignment.value]));
  const syntax = syntaxError(lines, source);
  // One entry per line: an unterminated string is already reported as unreadable where it is.
  if (syntax && !problems.some((problem) => problem.line === syntax.line)) problems.push(syntax);
  problems.sort((a, b) => a.line - b.line);
  return {
    classFound: true,
    classLine: classLine.line,
    bodyIndent,
    assignments,
    effective,
    values,
    problems,
    conditional,
    syntaxError: syntax,
    insertAt,
    eol,
  };
}

function syntaxError(lines: readonly LogicalLine[], source: string): SourceProblem | undefined {
  const problem = pythonSyntaxProblem(lines);
  const line = problem && lines.find((candidate) => candidate.line === problem.line);
  return problem && line ? problemAt(line, source, `Python cannot parse this: ${problem.reason}`) : undefined;
}

/** Statements that start a block whose assignments run only on some paths (or several times). */
const BLOCK_KEYWORDS = new Set([
  'if',
  'elif',
  'else',
  'for',
  'while',
  'try',
  'except',
  'finally',
  'with',
  'match',
  'case',
]);

/** Names assigned by a block: in its nested lines, or after the ":" of a one-line block (`if x: a = 1`). */
function blockAssignments(header: LogicalLine, nested: readonly LogicalLine[]): Array<[string, LogicalLine]> {
  const colon = topLevelIndexes(header.tokens, ':')[0];
  const inline =
    colon !== undefined && colon < header.tokens.length - 1
      ? [{ ...header, tokens: header.tokens.slice(colon + 1) }]
      : [];
  return [...inline, ...nested].flatMap((line): Array<[string, LogicalLine]> => {
    const [name, next] = line.tokens;
    const assigns =
      name?.type === 'name' &&
      (next?.text === '=' || (next?.text === ':' && topLevelIndexes(line.tokens, '=').length > 0));
    return assigns ? [[name.text, line]] : [];
  });
}

function isConfigClass(line: LogicalLine): boolean {
  const [keyword, name] = line.tokens;
  return keyword?.text === 'class' && name?.text === CONFIG_CLASS && line.tokens[line.tokens.length - 1]?.text === ':';
}

function classBody(lines: readonly LogicalLine[], classIndex: number): LogicalLine[] {
  const classIndent = lines[classIndex]!.indent;
  const body: LogicalLine[] = [];
  for (const line of lines.slice(classIndex + 1)) {
    if (line.indent <= classIndent) break;
    body.push(line);
  }
  return body;
}

/** Module-level constants defined before the class (ROOT = "/data"), which fields may use. */
function moduleScope(lines: readonly LogicalLine[], source: string): Map<string, ConfigValue | undefined> {
  const scope = new Map<string, ConfigValue | undefined>();
  for (const line of lines) {
    const statement = line.indent === 0 ? classifyStatement(line) : undefined;
    if (statement?.kind !== 'assignment') continue;
    const result = evaluate(statement.valueTokens, source, scope as Scope);
    scope.set(statement.nameToken.text, result.ok ? result.value : undefined);
  }
  return scope;
}

type Statement =
  | { kind: 'assignment'; nameToken: Token; valueTokens: Token[] }
  | { kind: 'method'; name: string }
  | { kind: 'skip' }
  | { kind: 'block'; keyword: string }
  | { kind: 'problem'; reason: string };

function classifyStatement(line: LogicalLine): Statement {
  const tokens = line.tokens;
  const first = tokens[0]!;
  if (first.text === 'def' || (first.text === 'async' && tokens[1]?.text === 'def')) {
    return { kind: 'method', name: tokens[first.text === 'def' ? 1 : 2]?.text ?? '' };
  }
  if (first.text === '@' || first.text === 'pass' || (first.type === 'string' && tokens.length === 1))
    return { kind: 'skip' };
  if (first.type !== 'name') return { kind: 'problem', reason: 'a statement that is not an assignment' };
  // match and case are soft keywords: `match: int = 3` is still an annotated assignment.
  const softName =
    (first.text === 'match' || first.text === 'case') && (tokens[1]?.text === ':' || tokens[1]?.text === '=');
  if (BLOCK_KEYWORDS.has(first.text) && tokens[1]?.text !== '=' && !softName)
    return { kind: 'block', keyword: first.text };
  const equals = topLevelIndexes(tokens, '=');
  if (tokens[1]?.text === '=' || tokens[1]?.text === ':') {
    if (equals.length === 0) return { kind: 'problem', reason: 'an annotation without a value' };
    if (equals.length > 1) return { kind: 'problem', reason: 'a chained assignment' };
    const valueTokens = tokens.slice(equals[0]! + 1);
    if (valueTokens.length === 0) return { kind: 'problem', reason: 'no value after "="' };
    return { kind: 'assignment', nameToken: first, valueTokens };
  }
  return {
    kind: 'problem',
    reason: /^[+\-*/%@&|^<>]+=$/.test(tokens[1]?.text ?? '')
      ? 'an augmented assignment'
      : 'a statement that is not a plain assignment',
  };
}

function topLevelIndexes(tokens: readonly Token[], text: string): number[] {
  const found: number[] = [];
  let depth = 0;
  tokens.forEach((token, index) => {
    if (token.type !== 'op') return;
    if ('([{'.includes(token.text)) depth++;
    else if (')]}'.includes(token.text)) depth--;
    else if (depth === 0 && token.text === text) found.push(index);
  });
  return found;
}

/** `self.output_dir = ...` inside __post_init__ changes a training field at run time, behind the class value. */
function runtimeOverrides(lines: readonly LogicalLine[], source: string, method: string): SourceProblem[] {
  return lines.flatMap((line) => {
    const [self, dot, name, equals] = line.tokens;
    const assigns = self?.text === 'self' && dot?.text === '.' && name && fieldSpec(name.text) && equals?.text === '=';
    return assigns
      ? [
          problemAt(
            line,
            source,
            `${method}() sets ${name.text} at run time; the class value may not be what training uses`,
          ),
        ]
      : [];
  });
}

function problemAt(line: LogicalLine, source: string, reason: string): SourceProblem {
  const text = source.slice(line.start, line.end).replace(/\s*\r?\n\s*/g, ' ');
  return { line: line.line, text: text.length > 120 ? `${text.slice(0, 117)}...` : text, reason };
}

function endOfPhysicalLine(source: string, offset: number): number {
  const newline = source.indexOf('\n', offset);
  return newline < 0 ? source.length : newline + 1;
}
