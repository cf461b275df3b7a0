// Small DOM helpers for the dashboard's views, built on @vscode-elements components so they look like VS Code.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A VS Code button, secondary unless `primary`; with no text it is an icon button and `title` is its accessible
 * name. One primary button per view at most, as in VS Code's own views.
 */
export function button(
  text: string,
  icon: string | undefined,
  onClick: () => void,
  title?: string,
  primary = false,
): HTMLElement {
  const node = document.createElement('vscode-button');
  if (text) node.textContent = text;
  if (icon) node.setAttribute('icon', icon);
  if (!primary) node.setAttribute('secondary', '');
  if (title) {
    node.setAttribute('title', title);
    node.setAttribute('aria-label', title);
  }
  node.addEventListener('click', onClick);
  return node;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const node = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  node.textContent = label;
  node.checked = checked;
  node.addEventListener('change', () => onChange(node.checked));
  return node;
}

/** A codicon as an element, hidden from screen readers (the text next to it says the same). */
export function icon(name: string, spin = false): HTMLElement {
  const node = element('span', `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`);
  node.setAttribute('aria-hidden', 'true');
  return node;
}
