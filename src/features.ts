// Every feature of the extension, registered in this order by activate().
import * as vscode from 'vscode';
import type { Feature } from './services';
import { registerOutputCommand } from './commands/output';
import { registerPendingCommands } from './commands/notYetAvailable';
import { registerDatasets } from './commands/datasets';
import { registerEpisodePreview } from './commands/episodePreview';
import { registerTraining } from './commands/training/register';
import { registerTrainingConfig } from './commands/config';
import { SAMPLE_PREVIEW_VIEW_ID, SamplePreviewView } from './views/samplePreviewView';

const registerSamplePreview: Feature = ({ context }) => {
  const view = new SamplePreviewView(context.extensionUri);
  context.subscriptions.push(view, vscode.window.registerWebviewViewProvider(SAMPLE_PREVIEW_VIEW_ID, view));
};

export const FEATURES: readonly Feature[] = [
  registerOutputCommand,
  registerPendingCommands,
  registerDatasets,
  registerTraining,
  registerSamplePreview,
  registerEpisodePreview,
  registerTrainingConfig,
];
