// Commands whose feature is not in this version yet answer clearly instead of doing nothing.
import * as vscode from 'vscode';
import type { Feature } from '../services';

const PENDING_COMMANDS: Record<string, string> = {};

export const registerPendingCommands: Feature = ({ context, log }) => {
  for (const [command, title] of Object.entries(PENDING_COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, () => {
        log.info(`"${title}" was run but is not available yet in this version.`);
        void vscode.window.showInformationMessage(
          `Ctrl-World: "${title}" is not available yet in this version of Ctrl-World Flexiv.`,
        );
      }),
    );
  }
};
