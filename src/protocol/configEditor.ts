// Messages between the training config editor (a custom editor over config*.py) and the extension.
import type { ReadyMessage } from './channel';
import type { ConfigValue, DerivedFigures } from '../core/config/types';

export type FieldForm = 'literal' | 'fstring' | 'reference' | 'computed' | 'expression' | 'unreadable' | 'missing';
export type InputKind = 'int' | 'float' | 'string' | 'path' | 'bool' | 'choice' | 'floatList' | 'dtype';

export interface ConfigFixView {
  readonly title: string;
  readonly changes: Readonly<Record<string, ConfigValue>>;
}

export interface FieldView {
  readonly name: string;
  readonly group: string;
  readonly kind: InputKind;
  readonly doc: string;
  readonly unit?: string;
  readonly choices?: readonly string[];
  /** The default as Python text (500000, f"model_ckpt/{tag}"). */
  readonly defaultText: string;
  readonly isDefault: boolean;
  /** What the input shows: a number, a string without quotes, [0.5, 0.5], torch.bfloat16. */
  readonly inputText: string;
  readonly checked?: boolean;
  readonly form: FieldForm;
  /** The value's Python text when it is not a plain literal, e.g. f"model_ckpt/{tag}". */
  readonly sourceText?: string;
  /** 0-based line in the file. */
  readonly line?: number;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly fixes: readonly ConfigFixView[];
}

export interface GroupView {
  readonly id: string;
  readonly title: string;
  readonly doc: string;
}

export interface RemedyView extends ConfigFixView {
  readonly memoryPerGpuGb: number;
  readonly globalBatch: number;
  readonly fits: boolean;
}

export interface EnvironmentView {
  readonly gpus: number;
  readonly gpuMemoryGb: number;
  readonly checkpointSizeGb: number;
  /** Where the GPU figures come from: "settings" or a host's name. */
  readonly source: string;
  readonly speed: 'measured' | 'reference';
}

export interface ConfigEditorState {
  readonly type: 'state';
  readonly fileName: string;
  readonly classFound: boolean;
  readonly groups: readonly GroupView[];
  readonly fields: readonly FieldView[];
  /** Class attributes outside the table (rollout-only fields), read-only. */
  readonly otherFields: readonly { readonly name: string; readonly text: string; readonly line: number }[];
  readonly unparsed: readonly string[];
  readonly derived: DerivedFigures;
  readonly environment: EnvironmentView;
  readonly remedies: readonly RemedyView[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly profiles: readonly { readonly name: string; readonly description?: string; readonly builtin: boolean }[];
}

export interface ProfileDiffView {
  readonly type: 'profileDiff';
  readonly profile: string;
  readonly description?: string;
  readonly changes: readonly { readonly field: string; readonly current: string; readonly proposed: string }[];
}

export type ConfigEditorHostMessage =
  | ConfigEditorState
  | { readonly type: 'inputError'; readonly field: string; readonly message: string }
  | ProfileDiffView
  | { readonly type: 'notice'; readonly text: string };

export type ConfigEditorViewMessage =
  | ReadyMessage
  /** Text typed into a field's input, parsed by the field's type on the host. */
  | { readonly type: 'edit'; readonly field: string; readonly text: string }
  | { readonly type: 'reset'; readonly field: string }
  /** A fix or a remedy: several fields in one edit (one undo step). */
  | { readonly type: 'apply'; readonly changes: Readonly<Record<string, ConfigValue>> }
  | { readonly type: 'previewProfile'; readonly profile: string }
  | { readonly type: 'applyProfile'; readonly profile: string }
  | { readonly type: 'saveProfile' }
  | { readonly type: 'startTraining' }
  | { readonly type: 'showInText'; readonly line: number };

/** What the webview keeps across reloads. */
export interface ConfigEditorViewState {
  readonly collapsed: readonly string[];
  readonly scrollY: number;
}
