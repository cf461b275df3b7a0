// What every feature receives from the composition root: the context, the log, the settings and the episode flags.
import * as vscode from 'vscode';
import { Settings } from './settings';
import type { EpisodeFlags } from './views/episodeFlags';

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  /** Flags on episodes: set by the Episode Preview, shown by the Datasets view and the Explorer. */
  readonly flags: EpisodeFlags;
}

/** A feature registers its views and commands, pushing every disposable to the context. */
export type Feature = (services: ExtensionServices) => void;
