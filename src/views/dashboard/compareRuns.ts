// The runs a dashboard overlays on its loss and quality charts: picked from every host's runs, each read through
// its own metrics feed, so a compared run that still trains keeps growing on the chart, and its validation videos
// measured through the same quality library (and cache) as the dashboard's own run, once quality is asked for.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { qualityLayout } from '../../core/quality/runQuality';
import type { SeriesUpdate } from '../../core/training/metrics';
import { hostLabelFor } from '../../training/hosts';
import type { CompareQualityView, CompareRun, SeriesMessage } from '../../protocol/runDashboard';
import type { MonitoringServices } from '../../training/monitoringServices';
import { pickMany } from '../quickInput';
import { DashboardQuality } from './dashboardQuality';
import { compareQualityView } from './presentQuality';

interface Compared {
  readonly run: CompareRun;
  readonly host: string;
  readonly subscription: vscode.Disposable;
  readonly quality: DashboardQuality<CompareQualityView>;
  /** Its output folder, once its record is known; watched while it is compared. */
  folder?: { readonly dir: string; readonly watch: vscode.Disposable };
  layout?: ReturnType<typeof qualityLayout>;
}

export class CompareRuns implements vscode.Disposable {
  private readonly runs = new Map<string, Compared>();
  /** Quality was asked for (the Quality or Checkpoints tab was shown): runs added later are measured too. */
  private qualityAsked = false;
  private readonly folderChanges: vscode.Disposable;

  constructor(
    private readonly services: MonitoringServices,
    private readonly own: string | undefined,
    private readonly onSeries: (message: SeriesMessage) => void,
    private readonly onList: (runs: CompareRun[]) => void,
    private readonly onQuality: (run: string, view: CompareQualityView) => void,
  ) {
    this.folderChanges = services.outputs.onDidChange((folder) => {
      for (const entry of this.runs.values())
        if (entry.host === folder.host && entry.folder?.dir === folder.dir) void this.updateQuality(entry);
    });
  }

  list(): CompareRun[] {
    return [...this.runs.values()].map((entry) => entry.run);
  }

  /** Asks which runs to overlay (those already shown are preselected). */
  async pick(): Promise<void> {
    const items = this.services.model
      .list()
      .flatMap((host) =>
        host.runs.map((summary) => ({
          label: summary.record.name,
          description: `${hostLabelFor(host.key)} · ${summary.record.state}`,
          detail: summary.record.outputDir,
          key: `${host.key}\0${summary.record.runId}`,
          host: host.key,
          runId: summary.record.runId,
          picked: this.runs.has(`${host.key}\0${summary.record.runId}`),
        })),
      )
      .filter((item) => item.key !== this.own);
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Ctrl-World: there is no other run to compare with yet.');
      return;
    }
    const picked = await pickMany(items, {
      title: 'Overlay the loss and quality of these runs',
      placeholder: 'Runs from every host in the Runs view',
    });
    if (!picked) return;
    for (const key of [...this.runs.keys()]) if (!picked.some((item) => item.key === key)) this.remove(key);
    for (const item of picked)
      if (!this.runs.has(item.key))
        this.add(item.key, item.host, item.runId, `${item.label} (${hostLabelFor(item.host)})`);
    this.onList(this.list());
  }

  remove(key: string): void {
    const entry = this.runs.get(key);
    this.runs.delete(key);
    if (entry) this.release(entry);
    this.onList(this.list());
  }

  /** Sends every compared run's loss and quality again (after the webview reloaded). */
  resend(): void {
    for (const [key, entry] of this.runs) {
      const [host, runId] = key.split('\0');
      const loss = this.services.metrics.feed(host, runId).metrics.snapshot().loss;
      this.onSeries({
        type: 'series',
        run: key,
        metric: 'loss',
        start: 0,
        steps: [...loss.steps],
        values: [...loss.values],
      });
      entry.quality.resend();
    }
  }

  /** Measures the compared runs' videos not measured yet; `auto` (a tab was shown) does not undo a cancel. */
  requestQuality(auto: boolean): void {
    this.qualityAsked = true;
    for (const entry of this.runs.values()) entry.quality.request(auto);
  }

  cancelQuality(): void {
    for (const entry of this.runs.values()) entry.quality.cancel();
  }

  private add(key: string, host: string, runId: string, label: string): void {
    const subscription = this.services.metrics.feed(host, runId).subscribe({
      onUpdates: (updates: readonly SeriesUpdate[]) => {
        for (const update of updates)
          if (update.metric === 'loss') this.onSeries({ type: 'series', run: key, ...update });
      },
    });
    const quality = new DashboardQuality(
      host,
      this.services.quality,
      compareQualityView,
      (view) => this.onQuality(key, view),
      this.services.log,
      `Measuring validation videos of ${label}`,
    );
    const entry: Compared = { run: { key, label }, host, subscription, quality };
    this.runs.set(key, entry);
    if (this.qualityAsked) quality.request(true);
    void this.followQuality(entry, runId);
  }

  /** Reads the run's config (its tiles) and watches its output folder. */
  private async followQuality(entry: Compared, runId: string): Promise<void> {
    const record = this.services.model.find(entry.host, runId)?.record;
    if (!record) return;
    const config = await this.services.configs.get(entry.host, record).catch((error: unknown) => {
      this.services.log.warn(`Reading the config snapshot of run ${runId}: ${describeError(error)}`);
      return {};
    });
    // Removed while its config was read.
    if (this.runs.get(entry.run.key) !== entry) return;
    entry.layout = qualityLayout(config);
    const folder = { host: entry.host, dir: record.outputDir };
    entry.folder = { dir: record.outputDir, watch: this.services.outputs.watch(folder) };
    await this.updateQuality(entry);
  }

  private async updateQuality(entry: Compared): Promise<void> {
    const listing = entry.folder && this.services.outputs.cached({ host: entry.host, dir: entry.folder.dir });
    if (listing && entry.layout) await entry.quality.update(listing, entry.layout);
  }

  private release(entry: Compared): void {
    entry.subscription.dispose();
    entry.quality.dispose();
    entry.folder?.watch.dispose();
  }

  dispose(): void {
    this.folderChanges.dispose();
    for (const entry of this.runs.values()) this.release(entry);
    this.runs.clear();
  }
}
