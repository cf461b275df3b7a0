// Every feature of the extension, registered in this order by activate().
import type { Feature } from './services';
import { registerOutputCommand } from './commands/output';
import { registerPendingCommands } from './commands/notYetAvailable';
import { registerDatasets } from './commands/datasets';
import { registerEpisodePreview } from './commands/episodePreview';
import { registerTraining } from './commands/training/register';
import { registerTrainingConfig } from './commands/config';

export const FEATURES: readonly Feature[] = [
  registerOutputCommand,
  registerPendingCommands,
  registerDatasets,
  // Also the run dashboards, checkpoints, downloads and the Sample Preview, which build on the training services.
  registerTraining,
  registerEpisodePreview,
  registerTrainingConfig,
];
