// Escaping for Markdown tooltips that show text from files and hosts (kept free of `vscode` so it is unit-tested).

/**
 * Backslash-escapes Markdown and HTML punctuation and `$` (theme icons), and turns line breaks into spaces, so a
 * name like "x`](command:…)", "<img src=…>" or "$(bug)" shows as written instead of becoming markup, a link or an icon.
 */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\\`*_{}[\]()<>#|!$~&-]/g, (match) => `\\${match}`)
    .replace(/[\r\n]+/g, ' ');
}
