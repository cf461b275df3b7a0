// The checkpoints under each run in the Runs view: checkpoint-N.pt with step, size and time, the quality of the
// nearest validation measured (a star on the best so far, the one to download), "writing" while a save is under way
// (then nothing is offered on it), and the disk left with how many more fit. Quality is only read here, never
// measured: the dashboard's Quality tab measures, and the view follows as scores are stored.
import * as vscode from 'vscode';
import { formatBytes, formatTime } from '../core/format';
import { forecastDisk } from '../core/training/diskForecast';
import { qualityLayout } from '../core/quality/runQuality';
import { isFinished, type CheckpointFile, type OutputListing } from '../core/training/outputs';
import { isActive, type RunSummary } from '../core/training/runRecord';
import type { CheckpointDownloads } from '../training/checkpointDownloads';
import type { QualityLibrary } from '../training/qualityLibrary';
import type { RunConfigs } from '../training/runConfigs';
import type { RunOutputs } from '../training/runOutputs';
import type { Settings } from '../settings';
import type { CheckpointQualityRow } from '../protocol/runDashboard';
import { checkpointQualityRows } from './dashboard/presentQuality';

export type RunChildNode =
  | {
      readonly kind: 'checkpoint';
      readonly host: string;
      readonly runId: string;
      readonly dir: string;
      readonly checkpoint: CheckpointFile;
      /** The quality of its nearest validation, when one was measured. */
      readonly quality?: CheckpointQualityRow;
    }
  | {
      readonly kind: 'note';
      readonly id: string;
      readonly text: string;
      readonly icon: string;
      readonly color?: string;
      readonly tooltip?: string;
    };

export interface RunChildren {
  readonly onDidChange: vscode.Event<unknown>;
  children(host: string, summary: RunSummary): Promise<RunChildNode[]>;
  item(node: RunChildNode): vscode.TreeItem;
}

export class RunCheckpoints implements RunChildren, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly outputs: RunOutputs,
    private readonly downloads: CheckpointDownloads,
    private readonly settings: Settings,
    private readonly quality: QualityLibrary,
    private readonly configs: RunConfigs,
  ) {
    this.subscriptions = [
      outputs.onDidChange(() => this.changed.fire()),
      downloads.onDidChange(() => this.changed.fire()),
      quality.onDidChange(() => this.changed.fire()),
    ];
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }

  async children(host: string, summary: RunSummary): Promise<RunChildNode[]> {
    const { record } = summary;
    const id = `${host}:${record.runId}`;
    let listing;
    try {
      listing = await this.outputs.get({ host, dir: record.outputDir });
    } catch (error) {
      return [
        {
          kind: 'note',
          id: `${id}:error`,
          text: 'Checkpoints could not be listed',
          icon: 'warning',
          color: 'problemsWarningIcon.foreground',
          tooltip: error instanceof Error ? error.message : String(error),
        },
      ];
    }
    const quality = await this.qualityOf(host, summary, listing);
    const nodes: RunChildNode[] = [...listing.checkpoints].reverse().map((checkpoint) => {
      const row = quality.get(checkpoint.step);
      return {
        kind: 'checkpoint',
        host,
        runId: record.runId,
        dir: record.outputDir,
        checkpoint,
        ...(row ? { quality: row } : {}),
      };
    });
    if (nodes.length === 0)
      nodes.push({
        kind: 'note',
        id: `${id}:none`,
        text: listing.exists ? 'No checkpoint yet' : 'No output folder yet',
        icon: 'info',
      });
    const forecast = forecastDisk({
      freeBytes: listing.disk.freeBytes,
      checkpoints: listing.checkpoints,
      estimatedCheckpointBytes: (this.settings.trainingEnvironment.checkpointSizeGb ?? 8) * 1024 ** 3,
      ...(isActive(record.state) && summary.totalSteps ? { progress: { totalSteps: summary.totalSteps } } : {}),
    });
    const warn = forecast.level !== 'ok';
    nodes.push({
      kind: 'note',
      id: `${id}:disk`,
      text: `${formatBytes(forecast.freeBytes)} free · room for ${forecast.fits.toLocaleString('en-US')} more`,
      icon: warn ? 'warning' : 'database',
      ...(warn
        ? { color: forecast.level === 'critical' ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground' }
        : {}),
      tooltip: forecast.message,
    });
    return nodes;
  }

  /** By step; empty while the config cannot be read (the tiles of the scores come from it). */
  private async qualityOf(
    host: string,
    summary: RunSummary,
    listing: OutputListing,
  ): Promise<Map<number, CheckpointQualityRow>> {
    try {
      const layout = qualityLayout(await this.configs.get(host, summary.record));
      const rows = checkpointQualityRows(await this.quality.checkpoints(host, listing, layout));
      return new Map(rows.map((row) => [row.step, row]));
    } catch {
      return new Map();
    }
  }

  item(node: RunChildNode): vscode.TreeItem {
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.contextValue = 'note';
      item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
      if (node.tooltip) item.tooltip = node.tooltip;
      return item;
    }
    const { checkpoint } = node;
    const item = new vscode.TreeItem(checkpoint.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.host}:${node.runId}:${checkpoint.name}`;
    const downloading = this.downloads.fraction({ host: node.host, path: checkpoint.path });
    const finished = isFinished(checkpoint);
    // Only a finished checkpoint carries the context value that offers download and continue.
    item.contextValue = finished ? 'checkpoint.saved' : 'checkpoint.writing';
    const { quality } = node;
    const best = finished && quality?.best === true;
    item.iconPath = !finished
      ? new vscode.ThemeIcon('loading~spin')
      : downloading !== undefined
        ? new vscode.ThemeIcon('cloud-download')
        : best
          ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
          : new vscode.ThemeIcon('save');
    const facts = [
      `step ${checkpoint.step.toLocaleString('en-US')}`,
      formatBytes(checkpoint.size),
      formatTime(checkpoint.mtimeMs),
    ];
    const scores = quality ? [`SSIM ${quality.ssimText}`, ...(best ? ['best so far'] : [])] : [];
    item.description = finished
      ? downloading !== undefined
        ? `downloading ${Math.round(downloading * 100)}%`
        : [...facts, ...scores].join(' · ')
      : `writing… ${formatBytes(checkpoint.size)}`;
    item.tooltip = [
      checkpoint.path,
      facts.join(' · '),
      ...(quality ? [`SSIM ${quality.ssimText} · PSNR ${quality.psnrText}: ${quality.source}`] : []),
      ...(best ? ["Best so far: the highest SSIM of this run's checkpoints, the one to download."] : []),
      ...(finished ? [] : ['Still being written: it can be downloaded or continued from once the save has finished.']),
    ].join('\n');
    return item;
  }
}
