// Turns a config file's text into what the editor shows: each field of the table with its input text, default,
// errors and fixes, the derived figures and, when memory runs out, the FAQ's remedies. Free of vscode, so tested alone.
import {
  FIELDS,
  GROUPS,
  configValuesEqual,
  deriveFigures,
  describeProblem,
  isExpression,
  memoryRemedies,
  parseConfigDocument,
  pythonLiteral,
  resolveEnvironment,
  validateDocument,
  type ConfigDocument,
  type ConfigIssue,
  type ConfigValue,
  type FieldSpec,
  type TrainingEnvironment,
} from '../../core/config';
import { expressionValue } from '../../core/config/render';
import type { ConfigEditorState, ConfigFixView, FieldView } from '../../protocol/configEditor';

export interface EditorInput {
  readonly source: string;
  readonly fileName: string;
  readonly environment: TrainingEnvironment;
  /** "settings", or the name of the host the GPU figures come from. */
  readonly environmentSource: string;
  readonly profiles: ConfigEditorState['profiles'];
}

export function buildEditorState(input: EditorInput): ConfigEditorState {
  const document = parseConfigDocument(input.source);
  const { errors, warnings } = validateDocument(document, input.environment);
  const env = resolveEnvironment(input.environment);
  const derived = deriveFigures(document.values, input.environment);
  const remedies = derived.memoryPerGpuGb > env.gpuMemoryGb ? memoryRemedies(document.values, input.environment) : [];
  return {
    type: 'state',
    fileName: input.fileName,
    classFound: document.classFound,
    groups: GROUPS,
    fields: document.classFound ? FIELDS.map((spec) => fieldView(spec, document, errors, warnings)) : [],
    otherFields: [...document.effective.values()]
      .filter((a) => !FIELDS.some((f) => f.name === a.name))
      .map((a) => ({ name: a.name, text: a.valueText, line: a.line })),
    unparsed: document.problems.map(describeProblem),
    derived,
    environment: {
      gpus: env.gpus,
      gpuMemoryGb: env.gpuMemoryGb,
      checkpointSizeGb: env.checkpointSizeGb,
      source: input.environmentSource,
      speed: env.secondsPerStep ? 'measured' : 'reference',
    },
    remedies: remedies.map(({ title, changes, memoryPerGpuGb, globalBatch, fits }) => ({
      title,
      changes,
      memoryPerGpuGb,
      globalBatch,
      fits,
    })),
    errorCount: errors.length,
    warningCount: warnings.length,
    profiles: input.profiles,
  };
}

function fieldView(
  spec: FieldSpec,
  document: ConfigDocument,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): FieldView {
  const assignment = document.effective.get(spec.name);
  const value = document.values[spec.name];
  const mine = (issues: ConfigIssue[]) => issues.filter((issue) => issue.field === spec.name);
  const fixes: ConfigFixView[] = [];
  for (const issue of [...mine(errors), ...mine(warnings)]) {
    if (issue.fix && !fixes.some((fix) => fix.title === issue.fix!.title)) fixes.push(issue.fix);
  }
  const defaultValue = spec.defaultPython ? expressionValue(spec, document.values) : spec.default;
  return {
    name: spec.name,
    group: spec.group,
    kind: spec.kind,
    doc: spec.doc,
    unit: spec.unit,
    choices: spec.choices,
    defaultText: spec.defaultPython ?? pythonLiteral(spec.default, { kind: spec.kind }),
    isDefault: value !== undefined && configValuesEqual(value, defaultValue),
    inputText: inputText(spec, value, assignment?.form === 'literal' ? assignment.valueText : undefined),
    checked: typeof value === 'boolean' ? value : undefined,
    form: assignment?.form ?? 'missing',
    sourceText: assignment && assignment.form !== 'literal' ? assignment.valueText : undefined,
    line: assignment?.line,
    errors: mine(errors).map((issue) => issue.message),
    warnings: mine(warnings).map((issue) => issue.message),
    fixes,
  };
}

/** The text a person would type: 5e-6 as written, strings without quotes, None as an empty input. */
function inputText(spec: FieldSpec, value: ConfigValue | undefined, literalText: string | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && literalText !== undefined) return literalText;
  if (isExpression(value)) return value.expression;
  return pythonLiteral(value, { kind: spec.kind });
}
