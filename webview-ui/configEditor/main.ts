// Training config editor: a form over config*.py grouped like the field table, with live figures, inline errors and
// fixes, profiles and a launch button. The .py text stays the source of truth: every change goes to the host.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './configEditor.css';
import type {
  ConfigEditorHostMessage,
  ConfigEditorState,
  ConfigEditorViewMessage,
  ConfigEditorViewState,
} from '../../src/protocol/configEditor';
import { HostChannel } from '../shared/host';
import { el, icon } from './dom';
import { FieldRow } from './fieldRow';
import { renderEnvironmentNote, renderFigures, renderRemedies } from './figures';
import { ProfileBar } from './profileBar';

const app = document.getElementById('app')!;
document.body.classList.add('panel', 'config-editor');

const channel = new HostChannel<ConfigEditorHostMessage, ConfigEditorViewMessage, ConfigEditorViewState>((message) => {
  switch (message.type) {
    case 'state':
      return render(message);
    case 'inputError':
      return rows.get(message.field)?.showInputError(message.message);
    case 'profileDiff':
      return profiles.showDiff(message);
    case 'notice':
      return profiles.showNotice(message.text);
  }
});
const post = (message: ConfigEditorViewMessage) => channel.post(message);

const collapsed = new Set(channel.state?.collapsed ?? []);
const rows = new Map<string, FieldRow>();
const title = el('span', { className: 'title' });
const counts = el('span', { className: 'counts', 'aria-live': 'polite' });
const profiles = new ProfileBar(post);
const toolbar = el(
  'header',
  { className: 'toolbar' },
  title,
  counts,
  profiles.controls,
  el(
    'vscode-button',
    {
      secondary: true,
      icon: 'go-to-file',
      title: 'Open the Python text beside the form',
      onclick: () => post({ type: 'showInText', line: 0 }),
    },
    'Text Beside',
  ),
  el(
    'vscode-button',
    { icon: 'rocket', id: 'start-training', onclick: () => post({ type: 'startTraining' }) },
    'Start Training',
  ),
);
const figures = el('div', { className: 'figures', 'aria-label': 'Derived figures', role: 'region' });
const environmentNote = el('p', { className: 'environment-note' });
const remedies = el('div', { className: 'remedies', hidden: true });
const unparsed = el('div', { className: 'unparsed' });
const form = el('div', { className: 'form' });
const others = el('section', { className: 'group others' });
const summary = el('div', { className: 'summary' }, toolbar, figures, environmentNote);
app.append(summary, remedies, profiles.panel, unparsed, form, others);
// A field reached with Tab or a line link scrolls into view below the sticky summary, not under it.
new ResizeObserver(() => {
  document.documentElement.style.scrollPaddingTop = `${summary.offsetHeight + 8}px`;
}).observe(summary);

let restoredScroll = false;

function render(state: ConfigEditorState): void {
  title.textContent = state.fileName;
  if (!state.classFound) {
    counts.replaceChildren();
    form.replaceChildren(
      el(
        'div',
        { className: 'empty-state no-class' },
        icon('warning'),
        el(
          'p',
          {},
          `${state.fileName} has no "class wm_args:", so it is not a Ctrl-World training config. Open it as text, or open the config that train_wm.py imports.`,
        ),
      ),
    );
    [figures, environmentNote, remedies, unparsed, others].forEach((part) => part.replaceChildren());
    rows.clear();
    return;
  }
  counts.replaceChildren(
    el('span', { className: 'errors' }, icon('error'), ` ${state.errorCount} `),
    el('span', { className: 'warnings' }, icon('warning'), ` ${state.warningCount}`),
  );
  counts.setAttribute('aria-label', `${state.errorCount} errors, ${state.warningCount} warnings`);
  renderFigures(figures, state);
  renderEnvironmentNote(environmentNote, state);
  renderRemedies(remedies, state, post);
  profiles.update(state);
  const unreadable = state.unparsed.map((line) => el('li', {}, el('code', {}, line)));
  unparsed.replaceChildren(
    ...(unreadable.length === 0
      ? []
      : [
          el(
            'div',
            { className: 'warning-banner' },
            icon('warning'),
            ' The editor could not read these lines and leaves them as written:',
            el('ul', {}, ...unreadable),
          ),
        ]),
  );
  renderForm(state);
  renderOthers(state);
  if (!restoredScroll) {
    restoredScroll = true;
    window.scrollTo(0, channel.state?.scrollY ?? 0);
  }
}

function renderForm(state: ConfigEditorState): void {
  if (rows.size === 0) {
    form.replaceChildren(
      ...state.groups.map((group) => {
        const section = el('section', {
          className: `group${collapsed.has(group.id) ? ' collapsed' : ''}`,
          id: `group-${group.id}`,
        });
        const toggle = el(
          'button',
          { 'aria-expanded': String(!collapsed.has(group.id)), 'aria-controls': `rows-${group.id}` },
          icon(collapsed.has(group.id) ? 'chevron-right' : 'chevron-down'),
          group.title,
        );
        toggle.addEventListener('click', () => toggleGroup(section, toggle, group.id));
        const list = el('div', { className: 'rows', id: `rows-${group.id}` });
        for (const field of state.fields.filter((f) => f.group === group.id)) {
          const row = new FieldRow(field, post);
          rows.set(field.name, row);
          list.append(row.element);
        }
        section.append(el('h2', {}, toggle), el('p', { className: 'group-doc' }, group.doc), list);
        return section;
      }),
    );
  } else {
    for (const field of state.fields) rows.get(field.name)?.update(field);
  }
}

function toggleGroup(section: HTMLElement, toggle: HTMLElement, id: string): void {
  const nowCollapsed = !collapsed.has(id);
  if (nowCollapsed) collapsed.add(id);
  else collapsed.delete(id);
  section.classList.toggle('collapsed', nowCollapsed);
  toggle.setAttribute('aria-expanded', String(!nowCollapsed));
  toggle.querySelector('.codicon')!.className = `codicon codicon-${nowCollapsed ? 'chevron-right' : 'chevron-down'}`;
  saveState();
}

function renderOthers(state: ConfigEditorState): void {
  others.hidden = state.otherFields.length === 0;
  others.replaceChildren(
    el('h2', {}, 'Other fields'),
    el(
      'p',
      { className: 'group-doc' },
      'Class attributes training does not read (rollout settings); edit them as text.',
    ),
    el(
      'ul',
      {},
      ...state.otherFields.map((field) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              className: 'link',
              title: 'Show in the text',
              onclick: () => post({ type: 'showInText', line: field.line }),
            },
            field.name,
          ),
          ' = ',
          el('code', {}, field.text.length > 100 ? `${field.text.slice(0, 97)}...` : field.text),
        ),
      ),
    ),
  );
}

function saveState(): void {
  channel.state = { collapsed: [...collapsed], scrollY: window.scrollY };
}

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveState, 200);
});

channel.ready();
