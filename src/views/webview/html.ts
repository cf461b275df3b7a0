// The HTML shell of every webview: a strict nonce CSP, theme-aware base CSS, codicons and one bundled script.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  /**
   * The bundle's script and CSS, and the base CSS, go into the HTML itself. Each file a new webview loads takes a
   * round trip through VS Code's service worker and the workbench, and the script waits for every stylesheet: 60 to
   * 100 ms before the page could run, measured in code-server on the 2-core machine. The codicon stylesheet, which
   * the icons need as a file, is linked by the bundle itself (webview-ui/shared/codicons.ts), so it holds up nothing.
   */
  readonly inline?: boolean;
  /** The page fetches from the extension's frame server (src/core/preview/frameServer.ts). */
  readonly frameServer?: boolean;
}

/** The bundles' files as built, read once: they do not change while the extension runs. */
const builtFiles = new Map<string, string>();

function builtFile(uri: vscode.Uri): string {
  let text = builtFiles.get(uri.fsPath);
  if (text === undefined) {
    text = readFileSync(uri.fsPath, 'utf8');
    builtFiles.set(uri.fsPath, text);
  }
  return text;
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
  inline,
  frameServer,
}: WebviewShell): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...segments: string[]) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const file = (...segments: string[]) => builtFile(vscode.Uri.joinPath(extensionUri, ...segments));
  const codicons = asset('dist', 'webview', 'codicons', 'codicon.css');
  const stylesheets = [['media', 'webview.css'], ...(bundleCss ? [['dist', 'webview', `${bundle}.css`]] : [])];
  const head = inline
    ? stylesheets.map((path) => `<style nonce="${nonce}">\n${inlineStyle(file(...path))}</style>`)
    : [
        `<link rel="stylesheet" href="${codicons}" id="vscode-codicon-stylesheet">`,
        ...stylesheets.map((path) => `<link rel="stylesheet" href="${asset(...path)}">`),
      ];
  const script = inline
    ? `<script type="module" nonce="${nonce}">\n${inlineScript(file('dist', 'webview', `${bundle}.js`))}</script>`
    : `<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', `${bundle}.js`)}"></script>`;
  const csp = [
    "default-src 'none'",
    // Frames arrive as bytes and are drawn from blob:/ImageBitmap; sample videos come from the extension's cache.
    `img-src ${webview.cspSource} blob: data:`,
    `media-src ${webview.cspSource} blob:`,
    // vscode-elements (lit) styles through constructable stylesheets; the base CSS is a file, or inline with the nonce.
    `style-src ${webview.cspSource}${inline ? ` 'nonce-${nonce}'` : ''}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // A worker's script must be same-origin with the page, which webview resources are not: the bundle hands its
    // worker code over as a blob: URL, and nothing else may start one.
    ...(blobWorkers ? ['worker-src blob:'] : []),
    // Fetches go to the extension's frame server only: on 127.0.0.1 or a forwarded localhost port, or through
    // code-server's proxy on the page's own origin.
    ...(frameServer ? ["connect-src 'self' http://127.0.0.1:* http://localhost:*"] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
${earlyMessages ? mailboxScript(nonce) : ''}<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
${head.join('\n')}
</head>
<body${inline ? ` data-codicons="${codicons}"` : ''}>
<div id="app" role="main"></div>
${script}
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

/** A script's text inside <script>: a closing tag in it would end the element early. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function inlineStyle(text: string): string {
  if (/<\/style/i.test(text)) throw new Error('A stylesheet that closes its own <style> element cannot be inlined.');
  return text;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
