// The codicon stylesheet of a page whose HTML carries its own CSS and script (src/views/webview/html.ts, `inline`):
// linked from here rather than from the HTML, where the script would wait for it. The icons find it by its id.

/** Call before the first icon is created; once is enough. */
export function linkCodicons(): void {
  const href = document.body.dataset.codicons;
  if (!href || document.getElementById('vscode-codicon-stylesheet')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  link.id = 'vscode-codicon-stylesheet';
  document.head.append(link);
}
