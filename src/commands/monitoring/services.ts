// What the run dashboard, the Sample Preview, checkpoint downloads and the Runs view's checkpoints share, on top of
// the training services: output listings, chart data, the sample cache and video quality, downloads and the
// selected run.
import type * as vscode from 'vscode';
import type { CheckpointDownloads } from '../../training/checkpointDownloads';
import type { QualityLibrary } from '../../training/qualityLibrary';
import type { RunConfigs } from '../../training/runConfigs';
import type { RunMetricsStore } from '../../training/runMetrics';
import type { RunOutputs } from '../../training/runOutputs';
import type { RunSelection } from '../../training/runSelection';
import type { SampleLibrary } from '../../training/sampleLibrary';
import type { TrainingServices } from '../training/services';

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
