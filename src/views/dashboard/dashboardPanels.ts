// One dashboard panel per run or output folder: opening it again reveals it; after a reload VS Code's serializer
// brings the panels back from the target each one keeps in its webview state.
import * as vscode from 'vscode';
import { hostLabelFor } from '../../training/hosts';
import {
  targetKey,
  type DashboardTab,
  type DashboardTarget,
  type RunDashboardState,
} from '../../protocol/runDashboard';
import type { MonitoringServices } from '../../training/monitoringServices';
import { RUN_DASHBOARD_VIEW_TYPE, RunDashboardPanel } from './runDashboardPanel';

export class DashboardPanels implements vscode.WebviewPanelSerializer<Partial<RunDashboardState>>, vscode.Disposable {
  private readonly panels = new Map<string, RunDashboardPanel>();

  constructor(private readonly services: MonitoringServices) {}

  open(target: DashboardTarget, tab?: DashboardTab): RunDashboardPanel {
    const existing = this.panels.get(targetKey(target));
    if (existing) {
      existing.reveal(tab);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RUN_DASHBOARD_VIEW_TYPE,
      this.title(target),
      vscode.ViewColumn.Active,
      { enableScripts: true },
    );
    return this.adopt(panel, target, tab);
  }

  async deserializeWebviewPanel(
    panel: vscode.WebviewPanel,
    state: Partial<RunDashboardState> | undefined,
  ): Promise<void> {
    if (!state?.target) {
      panel.dispose();
      return;
    }
    this.adopt(panel, state.target, state.tab);
  }

  private adopt(panel: vscode.WebviewPanel, target: DashboardTarget, tab?: DashboardTab): RunDashboardPanel {
    panel.iconPath = vscode.Uri.joinPath(this.services.extensionUri, 'media', 'ctrl-world.svg');
    const dashboard = new RunDashboardPanel(panel, target, this.services, tab);
    const key = targetKey(target);
    this.panels.set(key, dashboard);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === dashboard) this.panels.delete(key);
    });
    return dashboard;
  }

  private title(target: DashboardTarget): string {
    if (target.kind === 'folder') return `Run: ${target.dir.split('/').filter(Boolean).pop() ?? target.dir}`;
    return `Run: ${this.services.model.find(target.host, target.runId)?.record.name ?? `${target.runId} (${hostLabelFor(target.host)})`}`;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
