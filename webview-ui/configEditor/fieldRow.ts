// One field of the form: its input (text, checkbox or select by the field's kind), unit, reset-to-default, doc line
// and inline errors with their one-click fixes. Updated in place so typing is never interrupted.
import type { ConfigEditorViewMessage, FieldView } from '../../src/protocol/configEditor';
import { el, icon } from './dom';

type Post = (message: ConfigEditorViewMessage) => void;
type InputElement = HTMLElement & { value: string; checked?: boolean; invalid?: boolean };

/** What the file holds when it is not a plain value; typing a value writes the value out instead. */
const FORM_NOTES: Partial<Record<FieldView['form'], string>> = {
  fstring: 'In the file it is an f-string of other fields:',
  reference: 'In the file it follows another field:',
  computed: 'In the file it is computed:',
  expression: 'In the file it is a Python expression:',
  unreadable: 'The editor cannot read it and keeps it as written:',
  missing: 'It is not in the file, so training would stop: set it, or reset it to add the default.',
};

export class FieldRow {
  readonly element: HTMLElement;
  private readonly input: InputElement;
  private readonly reset: HTMLElement;
  private readonly doc = el('div', { className: 'doc' });
  private readonly messages = el('div', { className: 'messages' });
  private field: FieldView;
  private inputError: string | undefined;

  constructor(
    field: FieldView,
    private readonly post: Post,
  ) {
    this.field = field;
    const id = `field-${field.name}`;
    this.doc.id = `doc-${field.name}`;
    this.messages.id = `messages-${field.name}`;
    this.input = this.createInput(field, id);
    this.input.setAttribute('aria-describedby', `${this.doc.id} ${this.messages.id}`);
    this.reset = el('vscode-button', {
      className: 'reset',
      icon: 'discard',
      iconOnly: true,
      secondary: true,
      title: 'Reset to default',
      'aria-label': `Reset ${field.name} to its default`,
      onclick: () => this.post({ type: 'reset', field: this.field.name }),
    });
    const control = el(
      'div',
      { className: 'control' },
      this.input,
      field.unit ? el('span', { className: 'unit' }, field.unit) : null,
      this.reset,
    );
    this.element = el(
      'div',
      { className: 'field-row', id: `row-${field.name}`, 'data-field': field.name },
      el('label', { htmlFor: id }, field.name),
      control,
      this.doc,
      this.messages,
    );
    this.update(field);
  }

  private createInput(field: FieldView, id: string): InputElement {
    if (field.kind === 'bool') {
      const box = el('vscode-checkbox', { id, label: field.name, 'aria-label': field.name }) as InputElement;
      box.addEventListener('change', () => this.commit(box.checked ? 'True' : 'False'));
      return box;
    }
    if (field.kind === 'choice' || field.kind === 'dtype') {
      const select = el(
        'vscode-single-select',
        { id, 'aria-label': field.name },
        ...field.choices!.map((choice) => el('vscode-option', { value: choice }, choice)),
      ) as InputElement;
      select.addEventListener('change', () => this.commit(select.value));
      return select;
    }
    const text = el('vscode-textfield', {
      id,
      'aria-label': field.name,
      placeholder: field.kind === 'path' ? 'None' : '',
    }) as InputElement;
    text.addEventListener('change', () => this.commit(text.value));
    text.addEventListener('keydown', (event: Event) => {
      if ((event as KeyboardEvent).key === 'Escape') this.showValue(true);
    });
    return text;
  }

  private commit(text: string): void {
    if (text === this.field.inputText && this.field.form !== 'missing') return;
    this.inputError = undefined;
    this.post({ type: 'edit', field: this.field.name, text });
  }

  showInputError(message: string): void {
    this.inputError = message;
    this.renderMessages();
  }

  update(field: FieldView): void {
    const changed = field.inputText !== this.field.inputText || field.checked !== this.field.checked;
    this.field = field;
    if (changed) this.inputError = undefined;
    this.showValue(changed || document.activeElement !== this.input);
    this.reset.hidden = field.isDefault;
    this.reset.title = `Reset to default: ${field.defaultText}`;
    this.element.classList.toggle('has-error', field.errors.length > 0 || this.inputError !== undefined);
    const note = FORM_NOTES[field.form];
    this.doc.replaceChildren(
      field.doc,
      ' Default ',
      el('code', {}, field.defaultText),
      '.',
      note ? el('span', {}, ` ${note} `, field.sourceText ? el('code', {}, field.sourceText) : '') : '',
      ' ',
      field.line !== undefined
        ? el(
            'button',
            {
              className: 'link line-link',
              title: 'Show this value in the Python text',
              onclick: () => this.post({ type: 'showInText', line: field.line! }),
            },
            `Line ${field.line + 1}`,
          )
        : '',
    );
    this.renderMessages();
  }

  private showValue(force: boolean): void {
    if (!force) return;
    if (this.field.kind === 'bool') this.input.checked = this.field.checked ?? false;
    else this.input.value = this.field.inputText;
    this.input.invalid = this.field.errors.length > 0;
  }

  private renderMessages(): void {
    const line = (kind: 'error' | 'warning', text: string) =>
      el('div', { className: `${kind}-banner`, role: kind === 'error' ? 'alert' : undefined }, icon(kind), ' ', text);
    this.messages.replaceChildren(
      ...(this.inputError ? [line('error', this.inputError)] : []),
      ...this.field.errors.map((text) => line('error', text)),
      ...this.field.warnings.map((text) => line('warning', text)),
    );
    if (this.field.fixes.length > 0) {
      this.messages.append(
        el(
          'div',
          { className: 'fixes' },
          ...this.field.fixes.map((fix) =>
            el(
              'vscode-button',
              { secondary: true, icon: 'lightbulb', onclick: () => this.post({ type: 'apply', changes: fix.changes }) },
              fix.title,
            ),
          ),
        ),
      );
    }
  }
}
