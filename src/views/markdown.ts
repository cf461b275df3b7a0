// Tooltips in Markdown whose outside text (file names, run records, host messages) is escaped by escapeMarkdown.
import * as vscode from 'vscode';

/** A tooltip with theme icons and no command links, from lines of Markdown whose outside text is escaped. */
export function untrustedMarkdown(lines: readonly string[]): vscode.MarkdownString {
  const result = new vscode.MarkdownString(lines.join('\n\n'), true);
  result.isTrusted = false;
  return result;
}
