// Every feature of the extension, registered in this order by activate().
import * as vscode from 'vscode';
import type { Feature } from './services';
import { registerOutputCommand } from './commands/output';
import { registerPendingCommands } from './commands/notYetAvailable';
import { registerTrainingConfig } from './commands/config';
import { EmptyTree } from './views/emptyTree';
import { registerTraining } from './commands/training/register';

const registerDatasetsView: Feature = ({ context }) => {
  context.subscriptions.push(vscode.window.registerTreeDataProvider('ctrlWorld.datasets', new EmptyTree()));
};

export const FEATURES: readonly Feature[] = [
  registerOutputCommand,
  registerPendingCommands,
  registerDatasetsView,
  // Also the run dashboards, checkpoints, downloads and the Sample Preview, which build on the training services.
  registerTraining,
  registerTrainingConfig,
];
