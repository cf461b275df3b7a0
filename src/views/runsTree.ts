// The Runs view: host → runs (running / finished / failed / stopped, with step/total and age), from each host's
// run registry, so it is the same from any machine and after reinstalling the extension.
import * as vscode from 'vscode';
import { age, type RunState, type RunSummary } from '../core/training/runRecord';
import { LOCAL_KEY } from '../training/hosts';
import type { HostRuns, RunsModel } from '../training/runsModel';
import { formatSteps } from './runStatusBar';
import { TRAIN_LOSS_MEANING, trainLoss } from '../core/training/metrics';
import type { RunChildren, RunChildNode } from './runCheckpoints';

export type RunsNode = { readonly kind: 'host'; readonly host: HostRuns } | { readonly kind: 'run'; readonly host: string; readonly summary: RunSummary } | RunChildNode;

const STATE_ICONS: Record<RunState, [string, string | undefined]> = {
  starting: ['loading~spin', undefined],
  running: ['sync~spin', 'charts.blue'],
  stopping: ['loading~spin', 'charts.yellow'],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['debug-stop', 'disabledForeground'],
};

export class RunsTree implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private runChildren: RunChildren | undefined;

  constructor(private readonly model: RunsModel) {
    this.subscriptions.push(model.onDidChange(() => this.changed.fire(undefined)));
  }

  /** What a run holds (its checkpoints), shown under it. */
  setRunChildren(children: RunChildren): void {
    this.runChildren = children;
    this.subscriptions.push(children.onDidChange(() => this.changed.fire(undefined)));
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsNode): RunsNode[] | Promise<RunsNode[]> {
    if (!node) return this.model.list().map((host) => ({ kind: 'host', host }));
    if (node.kind === 'host') return node.host.runs.map((summary) => ({ kind: 'run', host: node.host.key, summary }));
    if (node.kind === 'run' && this.runChildren) return this.runChildren.children(node.host, node.summary);
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'host') return hostItem(node.host);
    if (node.kind === 'run') return runItem(node.host, node.summary, this.runChildren !== undefined);
    return this.runChildren!.item(node);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

function hostItem(host: HostRuns): vscode.TreeItem {
  const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `host:${host.key}`;
  item.contextValue = 'host';
  const running = host.runs.filter((run) => run.record.state === 'running').length;
  if (host.error) {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = host.loaded ? 'unreachable, showing the last known runs' : 'unreachable';
    item.tooltip = `${host.error}\nRetried automatically.`;
  } else {
    item.iconPath = new vscode.ThemeIcon(host.key === LOCAL_KEY ? 'device-desktop' : 'server');
    item.description = !host.loaded ? 'loading…' : host.runs.length === 0 ? 'no runs yet' : running > 0 ? `${running} running` : `${host.runs.length} run${host.runs.length > 1 ? 's' : ''}`;
  }
  return item;
}

function runItem(host: string, summary: RunSummary, hasChildren: boolean): vscode.TreeItem {
  const { record, progress } = summary;
  const item = new vscode.TreeItem(record.name, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `run:${host}:${record.runId}`;
  item.contextValue = `run.${record.state}`;
  const [icon, color] = STATE_ICONS[record.state] ?? ['circle-outline', undefined];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const parts: string[] = [record.state, formatSteps(progress, summary.totalSteps)];
  const loss = trainLoss(progress);
  if (loss !== undefined && record.state === 'running') parts.push(`train_loss ${loss}`);
  parts.push(age(record.startedAt));
  item.description = parts.join(' · ');
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${record.name}** — ${record.state}\n\n`);
  tooltip.appendMarkdown(`- run \`${record.runId}\`, started ${new Date(record.startedAt).toLocaleString()}\n`);
  tooltip.appendMarkdown(`- GPUs ${record.gpus.join(', ')} · port ${record.mainProcessPort} · WandB ${record.wandb}\n`);
  tooltip.appendMarkdown(`- output \`${record.outputDir}\`\n- config \`${record.configSource}\`\n`);
  if (loss !== undefined) tooltip.appendMarkdown(`- ${TRAIN_LOSS_MEANING}\n`);
  if (record.git) tooltip.appendMarkdown(`- commit \`${record.git.commit.slice(0, 10)}\`${record.git.dirty ? ' (with uncommitted changes)' : ''}\n`);
  if (record.continuedFrom) tooltip.appendMarkdown(`- continued from \`${record.continuedFrom.checkpoint}\` (weights only)\n`);
  if (record.state === 'failed') {
    const reason = summary.lastError ? `${summary.lastError.title}` : record.failure ?? `exit status ${record.exitCode}`;
    tooltip.appendMarkdown(`\n**Failed:** ${reason}\n`);
    if (record.lastLines?.length) tooltip.appendCodeblock(record.lastLines.slice(-8).join('\n'), 'text');
  }
  item.tooltip = tooltip;
  item.command = { title: 'Follow Run', command: 'ctrlWorld.followRun', arguments: [{ host, runId: record.runId }] };
  return item;
}
