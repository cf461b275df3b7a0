// Warns once, with a notification, when a training run's output disk will fill before its last checkpoint: hours
// before the save that would fail, not after it.
import * as vscode from 'vscode';
import type { DiskForecast } from '../../core/training/diskForecast';
import { isActive, type RunSummary } from '../../core/training/runRecord';
import type { DashboardTarget } from '../../protocol/runDashboard';
import type { RunOutputs } from '../../training/runOutputs';

/** Shared by all panels: one warning per run and level in a session, however many dashboards show it. */
const warned = new Set<string>();

export class DashboardNotices {
  constructor(
    private readonly target: DashboardTarget,
    private readonly outputs: RunOutputs,
  ) {}

  disk(forecast: DiskForecast, summary: RunSummary | undefined): void {
    if (forecast.level === 'ok' || !summary || !isActive(summary.record.state)) return;
    const key = `${this.target.host}\0${summary.record.runId}\0${forecast.level}`;
    if (warned.has(key)) return;
    warned.add(key);
    const show = forecast.level === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(`Ctrl-World: run ${summary.record.name} — ${forecast.message}`, 'Check Again').then((choice) => {
      if (choice === 'Check Again') {
        warned.delete(key);
        void this.outputs.get({ host: this.target.host, dir: summary.record.outputDir }, 0).catch(() => undefined);
      }
    });
  }
}
