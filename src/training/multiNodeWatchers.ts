// Multi-node runs are watched from this window: when one machine's part dies, the others would wait in their
// collectives for 30 minutes or more, so the watcher stops them. The watchers start from what the runs list shows
// (a main machine's active multi-node run), so a run started before a window reload is watched again after it.
import type * as vscode from 'vscode';
import { Disposable, toDisposable } from '../core/lifecycle';
import { describeError } from '../core/errors';
import { watchMultiNode } from '../core/training/multiNode';
import { isActive, type RunRecord } from '../core/training/runRecord';
import type { Settings } from '../settings';
import type { TrainingHosts } from './hosts';
import type { RunsModel } from './runsModel';

export class MultiNodeWatchers extends Disposable {
  /** By the main machine's host and run id. */
  private readonly watching = new Set<string>();
  private readonly stopAll = new AbortController();

  constructor(
    private readonly model: Pick<RunsModel, 'list' | 'refresh' | 'onDidChange'>,
    private readonly hosts: Pick<TrainingHosts, 'machineRuns'>,
    private readonly settings: Pick<Settings, 'stopGraceSeconds'>,
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'error'>,
    /** How often each watched run's machines are asked for their state. */
    private readonly intervalMs = 5000,
  ) {
    super();
    this.register(toDisposable(() => this.stopAll.abort()));
    this.register(model.onDidChange(() => this.watchListed()));
  }

  private watchListed(): void {
    for (const host of this.model.list())
      for (const run of host.runs)
        if (run.record.multiNode?.rank === 0 && isActive(run.record.state))
          this.watch(host.key, host.label, run.record);
  }

  private watch(host: string, hostLabel: string, record: RunRecord): void {
    const key = `${host}\n${record.runId}`;
    if (this.watching.has(key) || this.isDisposed) return;
    this.watching.add(key);
    const label = `run ${record.runId} on ${hostLabel}`;
    this.log.info(`Watching multi-node ${label}: ${record.multiNode?.machines.map((m) => m.host).join(', ')}.`);
    void this.hosts
      .machineRuns(record)
      .then((machines) =>
        watchMultiNode(machines, {
          graceSeconds: this.settings.stopGraceSeconds,
          signal: this.stopAll.signal,
          intervalMs: this.intervalMs,
        }),
      )
      .then(
        (end) => {
          if (end.failure) this.log.error(`Multi-node ${label}: ${end.failure}; the other machines were stopped.`);
          void this.model.refresh(host);
        },
        (error: unknown) => {
          if (!this.stopAll.signal.aborted)
            this.log.error(`Watching multi-node ${label} stopped: ${describeError(error)}`);
        },
      )
      .finally(() => this.watching.delete(key));
  }
}
