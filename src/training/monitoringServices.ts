// What the run dashboard, the Sample Preview, checkpoint downloads and the Runs view's checkpoints share, on top of
// the training services: output listings, chart data, the sample cache and video quality, downloads and the
// selected run.
import type * as vscode from 'vscode';
import type { CheckpointDownloads } from './checkpointDownloads';
import type { QualityLibrary } from './qualityLibrary';
import type { RunConfigs } from './runConfigs';
import type { RunMetricsStore } from './runMetrics';
import type { RunOutputs } from './runOutputs';
import type { RunSelection } from './runSelection';
import type { SampleLibrary } from './sampleLibrary';
import type { TrainingServices } from './services';

export interface MonitoringServices extends TrainingServices {
  readonly context: vscode.ExtensionContext;
  readonly extensionUri: vscode.Uri;
  readonly outputs: RunOutputs;
  readonly metrics: RunMetricsStore;
  readonly samples: SampleLibrary;
  readonly quality: QualityLibrary;
  readonly configs: RunConfigs;
  readonly downloads: CheckpointDownloads;
  readonly selection: RunSelection;
}
