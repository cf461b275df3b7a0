// The Runs view: host → runs (running / finished / failed / stopped, with step/total and age), from each host's
// run registry, so it is the same from any machine and after reinstalling the extension.
import * as vscode from 'vscode';
import { age, stateLabel, type RunState, type RunSummary } from '../core/training/runRecord';
import { LOCAL_KEY } from '../training/hosts';
import type { HostRuns, RunsModel } from '../training/runsModel';
import { formatSteps } from './runStatusBar';
import { TRAIN_LOSS_MEANING, trainLoss } from '../core/training/metrics';
import type { RunChildren, RunChildNode } from './runCheckpoints';
import { untrustedMarkdown } from './markdown';
import { escapeMarkdown } from './markdownEscape';

export type RunsNode =
  | { readonly kind: 'host'; readonly host: HostRuns }
  | { readonly kind: 'run'; readonly host: string; readonly summary: RunSummary }
  | RunChildNode;

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
    item.description = !host.loaded
      ? 'loading…'
      : host.runs.length === 0
        ? 'no runs yet'
        : running > 0
          ? `${running} running`
          : `${host.runs.length} run${host.runs.length > 1 ? 's' : ''}`;
  }
  return item;
}

function runItem(host: string, summary: RunSummary, hasChildren: boolean): vscode.TreeItem {
  const { record, progress } = summary;
  const item = new vscode.TreeItem(
    record.name,
    hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `run:${host}:${record.runId}`;
  item.contextValue = `run.${record.state}`;
  const [icon, color] = STATE_ICONS[record.state] ?? ['circle-outline', undefined];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const parts: string[] = [stateLabel(record), formatSteps(progress, summary.totalSteps)];
  const loss = trainLoss(progress);
  if (loss !== undefined && record.state === 'running') parts.push(`train_loss ${loss}`);
  parts.push(age(record.startedAt));
  item.description = parts.join(' · ');
  // Everything in run.json and the log comes from the host: escaped, never markup.
  const e = escapeMarkdown;
  const lines = [
    `**${e(record.name)}** — ${e(stateLabel(record))}`,
    [
      ...(record.slurm ? [`- SLURM job ${e(record.slurm.jobId)}`] : []),
      `- run ${e(record.runId)}, started ${new Date(record.startedAt).toLocaleString()}`,
      `- GPUs ${e(record.gpus.join(', '))} · port ${e(String(record.mainProcessPort))} · WandB ${e(String(record.wandb))}`,
      `- output ${e(record.outputDir)}`,
      `- config ${e(record.configSource)}`,
      ...(loss !== undefined ? [`- ${TRAIN_LOSS_MEANING}`] : []),
      ...(record.git
        ? [`- commit ${e(record.git.commit.slice(0, 10))}${record.git.dirty ? ' (with uncommitted changes)' : ''}`]
        : []),
      ...(record.continuedFrom ? [`- continued from ${e(record.continuedFrom.checkpoint)} (weights only)`] : []),
    ].join('\n'),
  ];
  if (record.failure && record.state !== 'failed') lines.push(e(record.failure));
  if (record.state === 'failed') {
    const reason = summary.lastError
      ? `${summary.lastError.title}`
      : (record.failure ?? `exit status ${record.exitCode}`);
    lines.push(`**Failed:** ${e(reason)}`);
    if (record.lastLines?.length) lines.push(record.lastLines.slice(-8).map(e).join('  \n'));
  }
  const tooltip = untrustedMarkdown(lines);
  item.tooltip = tooltip;
  item.command = { title: 'Follow Run', command: 'ctrlWorld.followRun', arguments: [{ host, runId: record.runId }] };
  return item;
}
