// What every feature receives from the composition root: the context, the log, the settings, the episode flags and
// the GPU hosts (one connection cache and registry per host, shared by training and conversion).
import * as vscode from 'vscode';
import { Settings } from './settings';
import type { TrainingHosts } from './training/hosts';
import type { EpisodeFlags } from './views/episodeFlags';

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  /** Flags on episodes: set by the Episode Preview, shown by the Datasets view and the Explorer. */
  readonly flags: EpisodeFlags;
  readonly hosts: TrainingHosts;
}

/** A feature registers its views and commands, pushing every disposable to the context. */
export type Feature = (services: ExtensionServices) => void;
