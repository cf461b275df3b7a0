// The centred icon, sentence and button a webview shows when it has nothing to show, or cannot show it.
import '@vscode-elements/elements/dist/vscode-button/index.js';

export interface EmptyState {
  /** A codicon name, e.g. `warning`. */
  readonly icon: string;
  readonly message: string;
  readonly action: { readonly label: string; readonly run: () => void };
}

export function renderEmptyState(container: HTMLElement, { icon, message, action }: EmptyState): void {
  const box = document.createElement('div');
  box.className = 'empty-state';
  const glyph = document.createElement('span');
  glyph.className = `codicon codicon-${icon}`;
  glyph.setAttribute('aria-hidden', 'true');
  const text = document.createElement('p');
  text.className = 'empty-state-message';
  text.textContent = message;
  const button = document.createElement('vscode-button');
  button.textContent = action.label;
  button.addEventListener('click', action.run);
  box.append(glyph, text, button);
  container.replaceChildren(box);
}
