// The status bar item of the followed run: step/total, loss, it/s and ETA, or the connection being re-established.
import * as vscode from 'vscode';
import type { Progress } from '../core/training/logParser';
import { stateLabel, type RunSummary } from '../core/training/runRecord';
import { formatRate } from '../core/format';
import { TRAIN_LOSS_MEANING, trainLoss } from '../core/training/metrics';
import { untrustedMarkdown } from './markdown';
import { escapeMarkdown } from './markdownEscape';

const STATE_ICONS: Record<string, string> = {
  starting: '$(loading~spin)',
  running: '$(sync~spin)',
  stopping: '$(loading~spin)',
  finished: '$(pass)',
  failed: '$(error)',
  stopped: '$(debug-stop)',
};

export function formatSteps(progress: Progress | undefined, total: number | undefined): string {
  const step = progress?.step ?? 0;
  return total ? `${step.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` : step.toLocaleString('en-US');
}

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ctrlWorld.run', vscode.StatusBarAlignment.Left, 50);
  private summary: RunSummary | undefined;
  private hostKey: string | undefined;
  private progress: Progress | undefined;
  private reconnecting: string | undefined;

  constructor() {
    this.item.name = 'Ctrl-World Training Run';
    this.item.command = 'ctrlWorld.followRun';
  }

  show(hostKey: string, summary: RunSummary, progress?: Progress): void {
    this.hostKey = hostKey;
    this.summary = summary;
    this.progress = progress ?? summary.progress ?? this.progress;
    this.render();
  }

  update(progress: Progress): void {
    this.progress = progress;
    this.render();
  }

  connection(problem: { retryInMs: number } | undefined): void {
    this.reconnecting = problem ? `reconnecting in ${Math.round(problem.retryInMs / 1000)} s` : undefined;
    this.render();
  }

  hide(): void {
    this.summary = undefined;
    this.progress = undefined;
    this.item.hide();
  }

  private render(): void {
    const summary = this.summary;
    if (!summary) return;
    const { record } = summary;
    const total = this.progress?.total ?? summary.totalSteps;
    const parts = [formatSteps(this.progress, total)];
    if (this.reconnecting) parts.push(this.reconnecting);
    else if (record.state === 'running') {
      const loss = trainLoss(this.progress);
      if (loss !== undefined) parts.push(`train_loss ${loss}`);
      const rate = formatRate(this.progress?.rate);
      if (rate) parts.push(rate);
      if (this.progress?.remaining) parts.push(`ETA ${this.progress.remaining}`);
    } else parts.push(stateLabel(record));
    const icon = this.reconnecting ? '$(debug-disconnect)' : (STATE_ICONS[record.state] ?? '$(rocket)');
    this.item.text = `${icon} ${parts.join(' · ')}`;
    // run.json comes from the host: its text is escaped, never markup.
    const e = escapeMarkdown;
    this.item.tooltip = untrustedMarkdown([
      `**${e(record.name)}** on ${e(record.host)} — ${e(stateLabel(record))}`,
      `Run ${e(record.runId)} · GPUs ${e(record.gpus.join(', '))} · output ${e(record.outputDir)}`,
      ...(trainLoss(this.progress) !== undefined ? [`${TRAIN_LOSS_MEANING}.`] : []),
      this.reconnecting
        ? 'The connection dropped; the run goes on and is re-attached automatically.'
        : "Click to show the run's log.",
    ]);
    this.item.backgroundColor =
      record.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.command = {
      title: 'Follow Run',
      command: 'ctrlWorld.followRun',
      arguments: [{ host: this.hostKey, runId: record.runId }],
    };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
