// The runs of every known host, refreshed on a timer; a host that cannot be reached keeps its last runs and is
// retried with a growing delay, so nothing assumes the connection stays up.
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { backoffDelay } from '../core/remote/backoff';
import { isActive, type RunSummary } from '../core/training/runRecord';
import type { Settings } from '../settings';
import { hostLabelFor, type TrainingHosts } from './hosts';

export interface HostRuns {
  readonly key: string;
  readonly label: string;
  readonly runs: readonly RunSummary[];
  readonly loaded: boolean;
  readonly error?: string;
  readonly failures: number;
}

/** Why hosts are not contacted in an untrusted workspace, and how to change that. */
export const RESTRICTED_MODE =
  'Restricted Mode: GPU hosts are contacted over SSH only in a trusted workspace (Manage Workspace Trust).';

export class RunsModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly state = new Map<string, HostRuns>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Polling runs only while the Runs view shows; an explicit refresh (a command, a launch) always asks. */
  private shown = false;

  constructor(
    private readonly hosts: TrainingHosts,
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  list(): HostRuns[] {
    return this.hosts
      .known()
      .map((key) => this.state.get(key) ?? { key, label: hostLabelFor(key), runs: [], loaded: false, failures: 0 });
  }

  find(key: string, runId: string): RunSummary | undefined {
    return this.state.get(key)?.runs.find((run) => run.record.runId === runId);
  }

  /** The Runs view became visible or hidden: hidden, nothing polls the hosts; shown again, they are asked at once. */
  setShown(shown: boolean): void {
    if (shown === this.shown) return;
    this.shown = shown;
    if (shown) void this.refresh();
    else clearTimeout(this.timer);
  }

  /** Refreshes one host or all; concurrent calls for a host share one request. */
  async refresh(key?: string): Promise<void> {
    const keys = key ? [key] : this.hosts.known();
    await Promise.all(keys.map((item) => this.refreshHost(item)));
    this.schedule();
  }

  private refreshHost(key: string): Promise<void> {
    // Restricted Mode: no ssh (nor anything else that runs a program) until the user trusts the workspace.
    if (!vscode.workspace.isTrusted) {
      this.state.set(key, {
        key,
        label: hostLabelFor(key),
        runs: [],
        loaded: false,
        error: RESTRICTED_MODE,
        failures: 0,
      });
      return Promise.resolve();
    }
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = (async () => {
      const previous = this.state.get(key);
      try {
        const runs = await (await this.hosts.registry(key)).list();
        this.state.set(key, { key, label: hostLabelFor(key), runs, loaded: true, failures: 0 });
      } catch (error) {
        const failures = (previous?.failures ?? 0) + 1;
        this.log.warn(`Listing runs on ${hostLabelFor(key)} failed (${failures}): ${describeError(error)}`);
        this.state.set(key, {
          key,
          label: hostLabelFor(key),
          runs: previous?.runs ?? [],
          loaded: previous?.loaded ?? false,
          error: describeError(error),
          failures,
        });
      } finally {
        this.inFlight.delete(key);
      }
      if (!this.disposed) this.changed.fire();
    })();
    this.inFlight.set(key, work);
    return work;
  }

  /**
   * While shown: polls often while a run is active, slowly otherwise, and backs off from hosts that fail. Hidden, it
   * polls only for run news (a run that ends or stalls while nobody looks), slowly, and only while a run is active.
   */
  private schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    const hosts = this.list();
    if (hosts.length === 0 || !vscode.workspace.isTrusted) return;
    const active = hosts.some((host) => host.runs.some((run) => isActive(run.record.state)));
    if (!this.shown && !(active && this.settings.runNotifications)) return;
    const base = this.settings.runsRefreshSeconds * 1000 * (active && this.shown ? 1 : 4);
    const failures = Math.max(0, ...hosts.map((host) => host.failures));
    const delay = failures > 0 ? Math.max(base, backoffDelay(failures, 5000, 120_000)) : base;
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}
