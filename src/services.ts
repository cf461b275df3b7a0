// What every feature receives from the composition root: the context, the log and the settings.
import * as vscode from 'vscode';
import { Settings } from './settings';

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
}

/** A feature registers its views and commands, pushing every disposable to the context. */
export type Feature = (services: ExtensionServices) => void;
