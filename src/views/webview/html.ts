// The HTML shell of every webview: a strict nonce CSP, theme-aware base CSS, codicons and one bundled script.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export interface WebviewShell {
  readonly webview: vscode.Webview;
  readonly extensionUri: vscode.Uri;
  /** The bundle under dist/webview/, without `.js`. */
  readonly bundle: string;
  readonly title: string;
  /** The bundle imports CSS, which esbuild writes beside it as dist/webview/<bundle>.css. */
  readonly bundleCss?: boolean;
  /** The bundle starts workers from its own code (blob: URLs), e.g. to decode images off the page's thread. */
  readonly blobWorkers?: boolean;
}

/** Folders a webview may load from: the bundles and media. Features add their cache folders. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function renderWebviewHtml({
  webview,
  extensionUri,
  bundle,
  title,
  bundleCss,
  blobWorkers,
}: WebviewShell): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...segments: string[]) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    // Frames arrive as bytes and are drawn from blob:/ImageBitmap; sample videos come from the extension's cache.
    `img-src ${webview.cspSource} blob: data:`,
    `media-src ${webview.cspSource} blob:`,
    // vscode-elements (lit) styles through constructable stylesheets; the base CSS is a file.
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // A worker's script must be same-origin with the page, which webview resources are not: the bundle hands its
    // worker code over as a blob: URL, and nothing else may start one.
    ...(blobWorkers ? ['worker-src blob:'] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
${bundleCss ? `<link rel="stylesheet" href="${asset('dist', 'webview', `${bundle}.css`)}">\n` : ''}</head>
<body>
<div id="app" role="main"></div>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', `${bundle}.js`)}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
