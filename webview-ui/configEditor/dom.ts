// A small element builder for the config editor's webview: tag, properties and attributes, children.
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Record<string, unknown>,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Record<string, unknown>, ...children: Child[]): HTMLElement;
export function el(tag: string, props: Record<string, unknown> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function')
      element.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'className') element.className = String(value);
    else if (key in element && !key.includes('-')) (element as unknown as Record<string, unknown>)[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children.filter((child): child is Node | string => Boolean(child)));
  return element;
}

export function icon(name: string): HTMLElement {
  return el('span', { className: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}
