// Profiles in the config editor: pick one, see how it differs from the file, apply it in one step, or save the
// file's values as a new profile.
import type { ConfigEditorState, ConfigEditorViewMessage, ProfileDiffView } from '../../src/protocol/configEditor';
import { el, icon } from './dom';

type Post = (message: ConfigEditorViewMessage) => void;

export class ProfileBar {
  private readonly select = el('vscode-single-select', {
    id: 'profile-select',
    'aria-label': 'Profile',
  }) as HTMLElement & { value: string };
  readonly controls: HTMLElement;
  readonly panel = el('div', {
    className: 'profile-diff',
    hidden: true,
    role: 'region',
    'aria-label': 'Profile comparison',
  });
  private names = '';

  constructor(private readonly post: Post) {
    this.controls = el(
      'span',
      { className: 'profile-controls' },
      this.select,
      el(
        'vscode-button',
        {
          secondary: true,
          icon: 'diff',
          id: 'compare-profile',
          onclick: () => this.post({ type: 'previewProfile', profile: this.select.value }),
        },
        'Compare Profile…',
      ),
      el(
        'vscode-button',
        { secondary: true, icon: 'save', onclick: () => this.post({ type: 'saveProfile' }) },
        'Save as Profile…',
      ),
    );
  }

  update(state: ConfigEditorState): void {
    const names = state.profiles.map((profile) => profile.name).join('\n');
    if (names === this.names) return;
    this.names = names;
    const selected = this.select.value;
    this.select.replaceChildren(
      ...state.profiles.map((profile) =>
        el(
          'vscode-option',
          { value: profile.name, description: profile.description ?? '' },
          profile.builtin ? `${profile.name} (built-in)` : profile.name,
        ),
      ),
    );
    if (state.profiles.some((profile) => profile.name === selected)) this.select.value = selected;
  }

  showDiff(diff: ProfileDiffView): void {
    this.panel.hidden = false;
    const close = () => {
      this.panel.hidden = true;
      this.panel.replaceChildren();
    };
    if (diff.changes.length === 0) {
      this.panel.replaceChildren(
        el(
          'div',
          { className: 'warning-banner' },
          icon('check'),
          ` The file already has every value of the profile "${diff.profile}".`,
          el('div', { className: 'actions' }, el('vscode-button', { secondary: true, onclick: close }, 'Close')),
        ),
      );
      return;
    }
    this.panel.replaceChildren(
      el(
        'div',
        { className: 'warning-banner' },
        el('strong', {}, `Profile "${diff.profile}"`),
        diff.description ? ` — ${diff.description}` : '',
        el('div', {}, `Applying it changes ${diff.changes.length} field(s) in one edit (undo reverts it):`),
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el('tr', {}, el('th', {}, 'field'), el('th', {}, 'in the file'), el('th', {}, 'in the profile')),
          ),
          el(
            'tbody',
            {},
            ...diff.changes.map((change) =>
              el(
                'tr',
                {},
                el('td', {}, change.field),
                el('td', { className: 'current' }, change.current),
                el('td', { className: 'proposed' }, change.proposed),
              ),
            ),
          ),
        ),
        el(
          'div',
          { className: 'actions' },
          el(
            'vscode-button',
            {
              icon: 'check',
              id: 'apply-profile',
              onclick: () => {
                this.post({ type: 'applyProfile', profile: diff.profile });
                close();
              },
            },
            `Apply "${diff.profile}"`,
          ),
          el('vscode-button', { secondary: true, onclick: close }, 'Cancel'),
        ),
      ),
    );
    (this.panel.querySelector('#apply-profile') as HTMLElement | null)?.focus();
  }

  showNotice(text: string): void {
    this.panel.hidden = false;
    this.panel.replaceChildren(el('div', { className: 'warning-banner', role: 'status' }, icon('info'), ` ${text}`));
  }
}
