// Watching runs: the Run dashboards, checkpoints under runs in the Runs view, checkpoint downloads, the Sample
// Preview that follows the selected run, and "Open Output Folder" for folders with no run record.
import * as vscode from 'vscode';
import { guardedCommands } from '../guardedCommand';
import { CheckpointDownloads } from '../../training/checkpointDownloads';
import { QualityLibrary } from '../../training/qualityLibrary';
import { RunMetricsStore } from '../../training/runMetrics';
import { RunConfigs } from '../../training/runConfigs';
import { RunOutputs } from '../../training/runOutputs';
import { RunSelection } from '../../training/runSelection';
import { SampleLibrary } from '../../training/sampleLibrary';
import { DashboardPanels } from '../../views/dashboard/dashboardPanels';
import { RUN_DASHBOARD_VIEW_TYPE } from '../../views/dashboard/runDashboardPanel';
import { REMOTE_FILE_SCHEME, RemoteFiles } from '../../views/remoteFiles';
import { RunCheckpoints } from '../../views/runCheckpoints';
import type { RunsNode, RunsTree } from '../../views/runsTree';
import { SAMPLE_PREVIEW_VIEW_ID, SamplePreviewView } from '../../views/samplePreviewView';
import type { TrainingServices } from '../../training/services';
import { clearSampleCache, openOutputFolder, openRunDashboard, openSampleGallery } from './dashboardCommands';
import { downloadCheckpoint } from './downloadCheckpoint';
import type { MonitoringServices } from '../../training/monitoringServices';

export function registerMonitoring(
  training: TrainingServices,
  context: vscode.ExtensionContext,
  tree: RunsTree,
  treeView: vscode.TreeView<RunsNode>,
): void {
  const { hosts, followers, settings, log, model } = training;
  const outputs = new RunOutputs(hosts, settings, log);
  const downloads = new CheckpointDownloads();
  const selection = new RunSelection(context.workspaceState);
  const metrics = new RunMetricsStore(hosts, followers, settings, context.globalStorageUri, log);
  const samples = new SampleLibrary(hosts, settings, context.globalStorageUri);
  const quality = new QualityLibrary(samples, settings, context.globalStorageUri);
  const configs = new RunConfigs(hosts);
  const services: MonitoringServices = {
    ...training,
    context,
    extensionUri: context.extensionUri,
    outputs,
    metrics,
    samples,
    quality,
    configs,
    downloads,
    selection,
  };
  const panels = new DashboardPanels(services);
  const checkpoints = new RunCheckpoints(outputs, downloads, settings, quality, configs);
  tree.setRunChildren(checkpoints);
  const preview = new SamplePreviewView(services, () => openSampleGallery(services, panels));
  const command = guardedCommands(log);
  context.subscriptions.push(
    outputs,
    downloads,
    selection,
    metrics,
    samples,
    quality,
    panels,
    checkpoints,
    preview,
    vscode.window.registerWebviewPanelSerializer(RUN_DASHBOARD_VIEW_TYPE, panels),
    vscode.window.registerWebviewViewProvider(SAMPLE_PREVIEW_VIEW_ID, preview),
    vscode.workspace.registerTextDocumentContentProvider(REMOTE_FILE_SCHEME, new RemoteFiles(hosts)),
    treeView.onDidChangeSelection((event) => {
      const node = event.selection[0];
      const summary =
        node?.kind === 'run'
          ? node.summary
          : node?.kind === 'checkpoint'
            ? model.find(node.host, node.runId)
            : undefined;
      if (node && 'host' in node && typeof node.host === 'string' && summary) {
        selection.select({
          target: { kind: 'run', host: node.host, runId: summary.record.runId },
          label: summary.record.name,
          outputDir: summary.record.outputDir,
        });
      }
    }),
    command('ctrlWorld.openRunDashboard', (argument?: Parameters<typeof openRunDashboard>[2]) =>
      openRunDashboard(services, panels, argument),
    ),
    command('ctrlWorld.openOutputFolder', (uri?: vscode.Uri) =>
      openOutputFolder(services, panels, uri instanceof vscode.Uri ? uri : undefined),
    ),
    command('ctrlWorld.downloadCheckpoint', (argument?: Parameters<typeof downloadCheckpoint>[1]) =>
      downloadCheckpoint(services, argument),
    ),
    command('ctrlWorld.openSampleGallery', () => openSampleGallery(services, panels)),
    command('ctrlWorld.clearSampleCache', () => clearSampleCache(services)),
  );
  // The followed run is the natural first choice for the preview after a fresh start.
  const followed = hosts.followed;
  if (!selection.current && followed) {
    void hosts
      .registry(followed.host)
      .then((registry) => registry.get(followed.runId))
      .then(
        (summary) => {
          if (!selection.current)
            selection.select({
              target: { kind: 'run', host: followed.host, runId: followed.runId },
              label: summary.record.name,
              outputDir: summary.record.outputDir,
            });
        },
        () => undefined,
      );
  }
}
