// One Run dashboard panel: header, charts from the log, the GPU panel, checkpoints, samples and their quality of
// one run (or of an output folder opened by itself). Reads only what changed: the log by byte offset, the folder
// on a timer.
import * as vscode from 'vscode';
import type { ConfigValue } from '../../core/config';
import { describeError } from '../../core/errors';
import { Disposable } from '../../core/lifecycle';
import { qualityLayout } from '../../core/quality/runQuality';
import { forecastDisk } from '../../core/training/diskForecast';
import { isActive, type RunSummary } from '../../core/training/runRecord';
import type { OutputListing } from '../../core/training/outputs';
import { hostLabelFor } from '../../training/hosts';
import type {
  DashboardTab,
  DashboardTarget,
  QualityView,
  RunDashboardHostMessage,
  RunDashboardViewMessage,
} from '../../protocol/runDashboard';
import type { MonitoringServices } from '../../training/monitoringServices';
import { reportFailures, WebviewChannel } from '../webview/channel';
import { renderWebviewHtml, webviewResourceRoots } from '../webview/html';
import { WebviewSamples } from '../webview/webviewSamples';
import { openRemoteFile } from '../remoteFiles';
import { CompareRuns } from './compareRuns';
import { DashboardQuality } from './dashboardQuality';
import { GpuSampler } from './gpuSampler';
import { checkpointRows, diskRow, gpuRows, headerFor, sampleRows } from './present';
import { qualityView } from './presentQuality';
import { DashboardNotices } from './dashboardNotices';

export const RUN_DASHBOARD_VIEW_TYPE = 'ctrlWorld.runDashboard';
const HEADER_EVERY_MS = 1000;

export class RunDashboardPanel extends Disposable {
  private readonly channel: WebviewChannel<RunDashboardHostMessage, RunDashboardViewMessage>;
  private readonly samples: WebviewSamples;
  private readonly gpus: GpuSampler;
  private readonly compare: CompareRuns;
  private readonly notices: DashboardNotices;
  private readonly quality: DashboardQuality<QualityView>;
  private live = false;
  private summary: RunSummary | undefined;
  private config: Record<string, ConfigValue> | undefined;
  private problem: string | undefined;
  private headerTimer: ReturnType<typeof setTimeout> | undefined;
  private feedSubscription: vscode.Disposable | undefined;
  private watching: { dir: string; subscription: vscode.Disposable } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly target: DashboardTarget,
    private readonly services: MonitoringServices,
    private pendingTab?: DashboardTab,
  ) {
    super();
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [...webviewResourceRoots(services.extensionUri), services.samples.cacheUri],
    };
    webview.html = renderWebviewHtml({
      webview,
      extensionUri: services.extensionUri,
      bundle: 'runDashboard',
      title: panel.title,
      bundleCss: true,
    });
    this.channel = this.register(
      new WebviewChannel(webview, (message) => this.receive(message), reportFailures(services.log, 'Run dashboard')),
    );
    this.samples = new WebviewSamples(webview, services.samples, {
      progress: (key, fraction) => this.post({ type: 'sample-progress', key, fraction }),
      ready: (key, src) => this.post({ type: 'sample-ready', key, src }),
      failed: (key, message) => this.post({ type: 'sample-error', key, message }),
    });
    this.gpus = new GpuSampler(
      async () => (await services.hosts.registry(target.host)).host,
      () => services.settings.gpuSampleSeconds * 1000,
      (gpus) => this.post({ type: 'gpus', rows: gpuRows(gpus, this.summary?.record.gpus), time: Date.now() }),
      (message) => this.post({ type: 'gpus-error', message }),
    );
    this.compare = this.register(
      new CompareRuns(
        services,
        target.kind === 'run' ? `${target.host}\0${target.runId}` : undefined,
        (message) => this.post(message),
        (runs) => this.post({ type: 'compare', runs }),
        (run, view) => this.post({ type: 'compare-quality', run, ...view }),
      ),
    );
    this.notices = new DashboardNotices(target, services.outputs);
    this.quality = this.register(
      new DashboardQuality(
        target.host,
        services.quality,
        qualityView,
        (view) => this.post({ type: 'quality', ...view }),
        services.log,
      ),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.onDidChangeViewState(() => this.visibilityChanged()));
    this.register(
      services.outputs.onDidChange(
        (folder) => folder.host === target.host && folder.dir === this.watching?.dir && void this.sendOutputs(),
      ),
    );
    this.register(services.downloads.onDidChange(() => void this.sendOutputs()));
    this.register({
      dispose: () => {
        this.gpus.stop();
        clearTimeout(this.headerTimer);
        this.feedSubscription?.dispose();
        this.watching?.subscription.dispose();
      },
    });
    if (target.kind === 'run')
      this.followRun(target.host, target.runId, services.model.find(target.host, target.runId));
    else this.watchFolder(target.dir);
    this.visibilityChanged();
  }

  get outputDir(): string | undefined {
    return this.watching?.dir;
  }

  reveal(tab?: DashboardTab): void {
    this.panel.reveal();
    if (tab) this.post({ type: 'show-tab', tab });
  }

  private followRun(host: string, runId: string, known: RunSummary | undefined): void {
    if (known) this.summaryChanged(known);
    this.feedSubscription = this.services.metrics.feed(host, runId).subscribe({
      onUpdates: (updates) => {
        for (const update of updates) this.post({ type: 'series', ...update });
        this.scheduleHeader();
      },
      onSummary: (summary) => this.summaryChanged(summary),
      onProblem: (problem) => {
        this.problem = problem;
        this.scheduleHeader();
      },
    });
  }

  private summaryChanged(summary: RunSummary): void {
    const first = !this.summary;
    this.summary = summary;
    if (first) void this.readConfig(summary);
    if (this.target.kind === 'run') this.watchFolder(summary.record.outputDir);
    if (first && this.panel.active)
      this.services.selection.select({ target: this.target, label: this.label(), outputDir: summary.record.outputDir });
    this.scheduleHeader();
  }

  private watchFolder(dir: string): void {
    if (this.watching?.dir === dir) return;
    this.watching?.subscription.dispose();
    this.watching = { dir, subscription: this.services.outputs.watch({ host: this.target.host, dir }) };
  }

  private async readConfig(summary: RunSummary): Promise<void> {
    try {
      this.config = await this.services.configs.get(this.target.host, summary.record);
      this.scheduleHeader();
    } catch (error) {
      this.services.log.warn(`Reading the config snapshot of run ${summary.record.runId}: ${describeError(error)}`);
      // Unread, it counts as a config of upstream's defaults (the quality's tile size comes from it).
      this.config = {};
    }
    void this.sendOutputs();
  }

  private listing(): OutputListing | undefined {
    return this.watching && this.services.outputs.cached({ host: this.target.host, dir: this.watching.dir });
  }

  private visibilityChanged(): void {
    if (this.panel.visible) {
      this.gpus.start();
      if (this.watching)
        this.services.selection.select({ target: this.target, label: this.label(), outputDir: this.watching.dir });
    } else {
      this.gpus.stop();
      // A hidden webview is torn down; it says `ready` again when shown and then gets everything anew.
      this.live = false;
      this.channel.reset();
    }
  }

  /** The run's name, or the folder's for an output folder opened by itself. */
  private label(): string {
    return (
      this.summary?.record.name ??
      (this.target.kind === 'folder' ? this.target.dir : (this.watching?.dir ?? '')).split('/').filter(Boolean).pop() ??
      ''
    );
  }

  private post(message: RunDashboardHostMessage): void {
    if (this.live) this.channel.post(message);
  }

  private scheduleHeader(): void {
    if (this.headerTimer) return;
    this.headerTimer = setTimeout(() => {
      this.headerTimer = undefined;
      this.sendHeader();
    }, HEADER_EVERY_MS);
  }

  private sendHeader(): void {
    const feed =
      this.target.kind === 'run' ? this.services.metrics.feed(this.target.host, this.target.runId) : undefined;
    const folderError =
      this.watching && this.services.outputs.lastError({ host: this.target.host, dir: this.watching.dir });
    const text = this.problem ?? folderError;
    const header = headerFor({
      hostLabel: hostLabelFor(this.target.host),
      summary: this.summary,
      latest: feed?.metrics.latest,
      config: this.config,
      folder: this.target.kind === 'folder' ? { dir: this.target.dir, listing: this.listing() } : undefined,
      notice: text ? { level: 'warning', text } : undefined,
    });
    this.panel.title = `Run: ${header.title}`;
    this.post({ type: 'header', header });
  }

  private async sendOutputs(): Promise<void> {
    const listing = this.listing();
    if (!listing) return;
    await this.samples.lookup(this.target.host, listing.samples);
    // A run's tiles are its config's; a folder opened by itself has no config and gets upstream's.
    await this.quality.update(
      listing,
      this.target.kind === 'folder' || this.config ? qualityLayout(this.config) : undefined,
    );
    const env = this.services.settings.trainingEnvironment;
    const every = this.config?.checkpointing_steps;
    const active = this.summary && isActive(this.summary.record.state);
    const totalSteps =
      this.summary?.totalSteps ??
      (typeof this.config?.max_train_steps === 'number' ? this.config.max_train_steps : undefined);
    const forecast = forecastDisk({
      freeBytes: listing.disk.freeBytes,
      checkpoints: listing.checkpoints,
      estimatedCheckpointBytes: (env.checkpointSizeGb ?? 8) * 1024 ** 3,
      ...(active && totalSteps ? { progress: { totalSteps } } : {}),
      ...(typeof every === 'number' && every > 0 ? { checkpointEvery: every } : {}),
    });
    this.notices.disk(forecast, this.summary);
    const downloads = new Map(
      listing.checkpoints.flatMap((c) => {
        const fraction = this.services.downloads.fraction({ host: this.target.host, path: c.path });
        return fraction === undefined ? [] : [[c.step, fraction] as const];
      }),
    );
    const note = listing.exists ? undefined : `${listing.dir} does not exist (yet).`;
    this.post({
      type: 'outputs',
      checkpoints: checkpointRows(listing.checkpoints, downloads),
      disk: diskRow(forecast),
      groups: sampleRows(listing, this.samples.sources),
      ...(note ? { note } : {}),
    });
    this.sendHeader();
  }

  private sendAll(): void {
    this.post({ type: 'target', target: this.target });
    this.sendHeader();
    if (this.target.kind === 'run') {
      const snapshot = this.services.metrics.feed(this.target.host, this.target.runId).metrics.snapshot();
      for (const metric of ['loss', 'lr', 'rate'] as const)
        this.post({
          type: 'series',
          metric,
          start: 0,
          steps: [...snapshot[metric].steps],
          values: [...snapshot[metric].values],
        });
    }
    this.post({ type: 'compare', runs: this.compare.list() });
    this.compare.resend();
    if (this.gpus.latest)
      this.post({ type: 'gpus', rows: gpuRows(this.gpus.latest, this.summary?.record.gpus), time: Date.now() });
    void this.sendOutputs();
    this.quality.resend();
    if (this.pendingTab) this.post({ type: 'show-tab', tab: this.pendingTab });
    this.pendingTab = undefined;
  }

  private async receive(message: RunDashboardViewMessage): Promise<void> {
    const { host } = this.target;
    const record = this.summary?.record;
    switch (message.type) {
      case 'ready':
        this.live = true;
        return this.sendAll();
      case 'open-snapshot':
        if (record) await openRemoteFile(host, record.configSnapshot);
        return;
      case 'open-log':
        if (record) await vscode.commands.executeCommand('ctrlWorld.followRun', { host, runId: record.runId });
        return;
      case 'refresh':
        if (this.watching) await this.services.outputs.get({ host, dir: this.watching.dir }, 0).catch(() => undefined);
        void this.services.model.refresh(host);
        return;
      case 'download-checkpoint':
      case 'continue-from-checkpoint': {
        const checkpoint = this.listing()?.checkpoints.find((c) => c.step === message.step);
        if (!checkpoint || !this.watching) return;
        const argument = {
          host,
          dir: this.watching.dir,
          runId: record?.runId,
          checkpoint: { path: checkpoint.path, step: checkpoint.step },
        };
        await vscode.commands.executeCommand(
          message.type === 'download-checkpoint' ? 'ctrlWorld.downloadCheckpoint' : 'ctrlWorld.continueFromCheckpoint',
          argument,
        );
        return;
      }
      case 'fetch-sample': {
        const sample = this.listing()?.samples.find((s) => s.path === message.key);
        if (sample) await this.samples.fetch(host, sample);
        return;
      }
      case 'sample-failed':
        return this.samples.convert(message.key);
      case 'compare-add':
        return this.compare.pick();
      case 'compare-remove':
        return this.compare.remove(message.key);
      case 'quality-measure':
        this.compare.requestQuality(message.auto);
        return this.quality.request(message.auto);
      case 'quality-cancel':
        this.compare.cancelQuality();
        return this.quality.cancel();
    }
  }
}
