// "Show Output": the extension's log.
import * as vscode from 'vscode';
import type { Feature } from '../services';

export const registerOutputCommand: Feature = ({ context, log }) => {
  context.subscriptions.push(vscode.commands.registerCommand('ctrlWorld.showOutput', () => log.show(true)));
};
