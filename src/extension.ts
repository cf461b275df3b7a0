// The composition root: builds the shared services and lets each feature register itself.
import * as vscode from 'vscode';
import { Settings } from './settings';
import { EpisodeFlags } from './views/episodeFlags';
import { FEATURES } from './features';
import { describeError } from './core/errors';
import { TrainingHosts } from './training/hosts';

/** Set by the first line of the bundle (scripts/build.mjs), so the figure includes loading the code. */
declare const globalThis: { __ctrlWorldLoadStart?: number };

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('Ctrl-World Flexiv', { log: true });
  const settings = new Settings();
  const flags = new EpisodeFlags(log);
  const hosts = new TrainingHosts(settings, context.globalState, context.secrets, log);
  context.subscriptions.push(log, settings, flags, hosts);
  try {
    for (const feature of FEATURES) feature({ context, log, settings, flags, hosts });
  } catch (error) {
    log.error(`Activation failed: ${describeError(error)}`);
    void vscode.window
      .showErrorMessage(`Ctrl-World Flexiv could not start: ${describeError(error)}`, 'Show Output')
      .then((choice) => choice && log.show());
    return;
  }
  const done = performance.now();
  log.info(
    `Activated in ${(done - activateStart).toFixed(1)} ms (module load + activate: ${(done - (globalThis.__ctrlWorldLoadStart ?? activateStart)).toFixed(1)} ms)`,
  );
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
