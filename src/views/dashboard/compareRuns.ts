// The runs a dashboard overlays on its loss chart: picked from every host's runs, each read through its own
// metrics feed, so a compared run that still trains keeps growing on the chart.
import * as vscode from 'vscode';
import type { SeriesUpdate } from '../../core/training/metrics';
import { hostLabelFor } from '../../training/hosts';
import type { CompareRun, SeriesMessage } from '../../protocol/runDashboard';
import type { MonitoringServices } from '../../commands/monitoring/services';
import { pickMany } from '../../commands/training/quickInput';

export class CompareRuns implements vscode.Disposable {
  private readonly runs = new Map<string, { run: CompareRun; subscription: vscode.Disposable }>();

  constructor(
    private readonly services: MonitoringServices,
    private readonly own: string | undefined,
    private readonly onSeries: (message: SeriesMessage) => void,
    private readonly onList: (runs: CompareRun[]) => void,
  ) {}

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
      title: 'Overlay the loss of these runs',
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
    this.runs.get(key)?.subscription.dispose();
    this.runs.delete(key);
    this.onList(this.list());
  }

  /** Sends every compared run's loss again (after the webview reloaded). */
  resend(): void {
    for (const key of this.runs.keys()) {
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
    }
  }

  private add(key: string, host: string, runId: string, label: string): void {
    const subscription = this.services.metrics.feed(host, runId).subscribe({
      onUpdates: (updates: readonly SeriesUpdate[]) => {
        for (const update of updates)
          if (update.metric === 'loss') this.onSeries({ type: 'series', run: key, ...update });
      },
    });
    this.runs.set(key, { run: { key, label }, subscription });
  }

  dispose(): void {
    for (const entry of this.runs.values()) entry.subscription.dispose();
    this.runs.clear();
  }
}
