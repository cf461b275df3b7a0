// The HTML shell of every webview: a strict nonce CSP, theme-aware base CSS, codicons and one bundled script.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { EARLY_MESSAGES_GLOBAL } from '../../protocol/channel';

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
  /**
   * The host posts to the page before it says `ready` (WebviewChannel.acceptEarly): a mailbox in the page keeps what
   * arrives before the bundle listens. VS Code hands queued messages over when the document has loaded, or 200 ms
   * after writing it if it has not loaded by then (pre/index.html in VS Code), which on a busy machine can be before
   * the bundle has even been fetched; the mailbox is listening from the moment the document is parsed.
   */
  readonly earlyMessages?: boolean;
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
  earlyMessages,
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
${earlyMessages ? mailboxScript(nonce) : ''}<meta name="viewport" content="width=device-width, initial-scale=1.0">
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

/**
 * Keeps the messages delivered before the bundle listens, with the listener that takes them, for the bundle. Before
 * the stylesheets: an inline script after one waits for it to load.
 */
function mailboxScript(nonce: string): string {
  const mailbox = `globalThis.${EARLY_MESSAGES_GLOBAL}`;
  return `<script nonce="${nonce}">
${mailbox} = { messages: [], listener: (event) => ${mailbox}.messages.push(event.data) };
addEventListener('message', ${mailbox}.listener);
</script>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
