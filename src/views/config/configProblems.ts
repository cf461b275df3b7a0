// What the Problems panel shows for a config*.py: each validation issue on its field's value (or on the class line
// when the field is missing) and each piece of text the parser could not read. Free of vscode, so tested alone.
import { parseConfigDocument, validateDocument, type TrainingEnvironment } from '../../core/config';

export interface ConfigProblem {
  /** Offsets of the value, or a whole line. */
  readonly at: { readonly start: number; readonly end: number } | { readonly line: number };
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The field, used as the diagnostic's code and to find its quick fix. */
  readonly field?: string;
}

/** undefined when the file has no `class wm_args` (any other Python file). */
export function configProblems(source: string, environment: TrainingEnvironment): ConfigProblem[] | undefined {
  const document = parseConfigDocument(source);
  if (!document.classFound) return undefined;
  const { errors, warnings } = validateDocument(document, environment);
  const located =
    (severity: ConfigProblem['severity']) =>
    (issue: { field: string; message: string }): ConfigProblem => {
      const assignment = document.effective.get(issue.field);
      return {
        at: assignment ? { start: assignment.valueStart, end: assignment.valueEnd } : { line: document.classLine },
        severity,
        message: issue.message,
        field: issue.field,
      };
    };
  const issues = [...errors.map(located('error')), ...warnings.map(located('warning'))];
  // A field's unreadable value already has its own issue ("... cannot be checked"): one entry per line is enough.
  const fieldLines = new Set(
    issues.flatMap((issue) =>
      issue.field && document.effective.get(issue.field)?.line !== undefined
        ? [document.effective.get(issue.field)!.line]
        : [],
    ),
  );
  return [
    ...issues,
    ...document.problems
      .filter((problem) => !fieldLines.has(problem.line))
      .map((problem): ConfigProblem => ({
        at: { line: problem.line },
        severity: 'warning',
        message: `Not read by the config editor (${problem.reason}); it is left as written and not checked.`,
      })),
  ];
}

/** config.py, config_flexiv.py, config-a100.py: the files the editor and the diagnostics look at. */
export function isConfigFileName(fileName: string): boolean {
  return /(^|[\\/])config[^\\/]*\.py$/i.test(fileName);
}
