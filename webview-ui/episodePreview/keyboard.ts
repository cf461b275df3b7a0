// Keyboard shortcuts of the Episode Preview: one table drives both the key handling and the help tooltip.

export type PlayerAction = 'togglePlay' | 'back1' | 'forward1' | 'back10' | 'forward10' | 'first' | 'last';

export interface Shortcut {
  readonly keys: string;
  readonly action: PlayerAction;
  readonly description: string;
  matches(event: KeyboardEvent): boolean;
}

const plain = (key: string) => (event: KeyboardEvent) =>
  event.key === key && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey;
const shifted = (key: string) => (event: KeyboardEvent) =>
  event.key === key && event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey;

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Space', action: 'togglePlay', description: 'Play / pause', matches: plain(' ') },
  { keys: '←', action: 'back1', description: 'Previous frame', matches: plain('ArrowLeft') },
  { keys: '→', action: 'forward1', description: 'Next frame', matches: plain('ArrowRight') },
  { keys: 'Shift+←', action: 'back10', description: '10 frames back', matches: shifted('ArrowLeft') },
  { keys: 'Shift+→', action: 'forward10', description: '10 frames forward', matches: shifted('ArrowRight') },
  { keys: 'Home', action: 'first', description: 'First frame', matches: plain('Home') },
  { keys: 'End', action: 'last', description: 'Last frame', matches: plain('End') },
];

/** Text fields and dropdowns keep their keys; the scrubber's arrows step frames like everywhere else. */
function isEditing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    (/^(INPUT|TEXTAREA|SELECT|VSCODE-TEXTFIELD|VSCODE-TEXTAREA|VSCODE-SINGLE-SELECT)$/.test(target.tagName) &&
      !(target instanceof HTMLInputElement && target.type === 'range'))
  );
}

/** A focused button or checkbox is activated by Space, as keyboard users expect, instead of playing. */
function isButton(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    /^(BUTTON|VSCODE-BUTTON|VSCODE-TOOLBAR-BUTTON|VSCODE-CHECKBOX)$/.test(target.tagName)
  );
}

export function bindShortcuts(run: (action: PlayerAction) => void): void {
  window.addEventListener('keydown', (event) => {
    if (isEditing(event.target) || (event.key === ' ' && isButton(event.target))) return;
    const shortcut = SHORTCUTS.find((candidate) => candidate.matches(event));
    if (!shortcut) return;
    event.preventDefault();
    event.stopPropagation();
    run(shortcut.action);
  });
}
