// Registers commands whose unexpected failures still reach the user: a notification with the log one click away.
import * as vscode from 'vscode';
import { describeError } from '../core/errors';

export type CommandRegistrar = (id: string, handler: (...args: never[]) => unknown) => vscode.Disposable;

export function guardedCommands(log: vscode.LogOutputChannel): CommandRegistrar {
  return (id, handler) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await handler(...args);
      } catch (error) {
        log.error(`${id} failed: ${describeError(error)}`);
        const choice = await vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`, 'Show Output');
        if (choice) log.show();
      }
    });
}
