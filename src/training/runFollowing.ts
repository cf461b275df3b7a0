// Follows one run at a time: its log in an output view (carriage returns handled), its status in the status bar,
// and notifications with the next step when the log shows an error or the run ends. Re-attaches after a reload.
import * as vscode from 'vscode';
import { CancelledError, describeError } from '../core/errors';
import { Disposable, toDisposable } from '../core/lifecycle';
import { RunNotFoundError } from '../core/training/registry';
import type { FollowSubscription, RunFollowers } from '../core/training/followers';
import type { TrainingError } from '../core/training/logErrors';
import { ProgressLines } from '../core/training/progressLines';
import { isActive, type RunSummary } from '../core/training/runRecord';
import type { RunStatusBar } from '../views/runStatusBar';
import { hostLabelFor, type TrainingHosts } from './hosts';
import type { RunsModel } from './runsModel';

interface Following {
  readonly host: string;
  readonly runId: string;
  /** Unset while the subscription is being made. */
  subscription?: FollowSubscription;
}

/** Seconds between tries to re-attach while the host cannot be reached (a VPN still coming up after a restart). */
const REATTACH_RETRY_SECONDS = [5, 15, 30, 60, 120, 300];

export class RunFollowing extends Disposable {
  private readonly output = this.register(vscode.window.createOutputChannel('Ctrl-World Run Log'));
  private current: Following | undefined;
  private readonly notified = new Set<string>();
  /** A re-attach waiting out its back-off: the attempt it will make, and its timer. */
  private waitingReattach: { attempt: number; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly hosts: TrainingHosts,
    private readonly followers: RunFollowers,
    private readonly model: RunsModel,
    private readonly statusBar: RunStatusBar,
    private readonly log: vscode.LogOutputChannel,
    settingsChanged: vscode.Event<void>,
  ) {
    super();
    this.register(toDisposable(() => this.current?.subscription?.close()));
    this.register(toDisposable(() => clearTimeout(this.waitingReattach?.timer)));
    // After a reload the user's settings (the SSH config file among them) may arrive late: the likeliest cure for a
    // re-attach that failed, so it is tried again at once rather than after its back-off.
    this.register(
      settingsChanged(() => {
        const waiting = this.waitingReattach;
        if (!waiting) return;
        clearTimeout(waiting.timer);
        this.waitingReattach = undefined;
        void this.reattach(waiting.attempt);
      }),
    );
  }

  isFollowing(host: string, runId: string): boolean {
    return this.current?.host === host && this.current.runId === runId;
  }

  /** Whether this window says how the run ended: it follows the run, or the run was stopped from here. */
  tellsEndOf(host: string, runId: string): boolean {
    return this.isFollowing(host, runId) || this.wasStoppedHere(runId);
  }

  /** Marks a run Stop Run was asked for here: the command says how the stop went, so "was stopped" is no news. */
  stoppedHere(runId: string): void {
    this.notified.add(`${runId}:stopped-here`);
  }

  private wasStoppedHere(runId: string): boolean {
    return this.notified.has(`${runId}:stopped-here`);
  }

  showLog(): void {
    this.output.show(true);
  }

  /** Starts following a run (or just shows the log when it already is followed). */
  async follow(host: string, runId: string, reveal = true): Promise<void> {
    if (this.isFollowing(host, runId)) {
      if (reveal) this.output.show(true);
      return;
    }
    this.current?.subscription?.close();
    const following: Following = { host, runId };
    this.current = following;
    await this.hosts.setFollowed({ host, runId });
    this.output.clear();
    this.output.appendLine(`── Run ${runId} on ${hostLabelFor(host)} ──`);
    if (reveal) this.output.show(true);
    const lines = new ProgressLines((line) => this.output.appendLine(line), 10_000);
    let historyBytes = Infinity;
    // A run seen running while followed ends as news, whether or not it printed anything since.
    let seenActive = false;
    // New errors wait for the next state: a run that fails gets one notification that names its error, and the
    // tracebacks a stopped run prints while dying are no news.
    let pending: TrainingError[] = [];
    // The status bar shows the run, so its subscription keeps the shared follower going; a dashboard of the same run
    // reads the same follower.
    const subscription = await this.followers
      .subscribe(
        host,
        runId,
        {
          onLog: (text, events) => {
            lines.push(text);
            for (const event of events) {
              if (event.kind === 'progress') this.statusBar.update(event.progress);
              // Errors already in the log when following began were seen before; only new ones notify.
              if (event.kind === 'error' && subscription.bytesRead > historyBytes) pending.push(event.error);
            }
          },
          onSummary: (summary) => {
            if (historyBytes === Infinity) historyBytes = summary.logSize;
            if (isActive(summary.record.state)) seenActive = true;
            this.statusBar.show(host, summary);
            if (summary.record.state === 'running') for (const error of pending) this.notifyError(runId, error);
            pending = [];
          },
          onConnection: (problem) => {
            this.statusBar.connection(problem);
            if (problem)
              this.log.warn(
                `Following run ${runId}: ${problem.message}; retrying in ${Math.round(problem.retryInMs / 1000)} s.`,
              );
            else this.log.info(`Following run ${runId}: reconnected to ${hostLabelFor(host)}.`);
          },
        },
        { pollMs: 1000 },
      )
      .catch((error: unknown) => {
        if (this.current === following) this.current = undefined;
        throw error;
      });
    // Another run was chosen while this one was being subscribed to.
    if (this.current !== following) return subscription.close();
    following.subscription = subscription;
    subscription.done.then(
      (final) => {
        lines.flush();
        this.statusBar.show(host, final, subscription.parser.progress);
        void this.model.refresh(host);
        if (seenActive || subscription.bytesRead > historyBytes || this.notified.has(`${runId}:started-here`))
          this.notifyEnd(host, final, subscription.parser.errors[0]);
      },
      (error: unknown) => {
        if (error instanceof CancelledError) return;
        this.log.error(`Following run ${runId} stopped: ${describeError(error)}`);
        void vscode.window
          .showErrorMessage(`Ctrl-World: following run ${runId} stopped: ${describeError(error)}`, 'Show Output')
          .then((choice) => choice && this.log.show());
      },
    );
  }

  /** Marks a run this window launched, so its end is announced even if it ends before new log lines arrive. */
  launchedHere(runId: string): void {
    this.notified.add(`${runId}:started-here`);
  }

  /**
   * After a reload or restart: follow again the run that was followed, if it still runs. While its host cannot be
   * reached (or its listing fails) the attempt is repeated, less and less often, unless another run is followed
   * meanwhile; a run that no longer exists is not.
   */
  async reattach(attempt = 0): Promise<void> {
    const followed = this.hosts.followed;
    if (!followed || this.isDisposed || this.current) return;
    try {
      const summary = await (await this.hosts.registry(followed.host)).get(followed.runId);
      if (isActive(summary.record.state)) await this.follow(followed.host, followed.runId, false);
      else this.statusBar.show(followed.host, summary);
    } catch (error) {
      // Only a run that is gone is final: a dropped connection or a listing that failed half-way is tried again.
      const retryIn = error instanceof RunNotFoundError ? undefined : REATTACH_RETRY_SECONDS[attempt];
      this.log.warn(
        `Could not re-attach to run ${followed.runId} on ${hostLabelFor(followed.host)}: ${describeError(error)}` +
          (retryIn === undefined ? '' : ` Trying again in ${retryIn} s.`),
      );
      if (retryIn !== undefined && !this.isDisposed) {
        const timer = setTimeout(() => {
          this.waitingReattach = undefined;
          void this.reattach(attempt + 1);
        }, retryIn * 1000);
        this.waitingReattach = { attempt: attempt + 1, timer };
      }
    }
  }

  private notifyError(runId: string, error: TrainingError): void {
    const key = `${runId}:${error.kind}`;
    if (this.notified.has(key)) return;
    this.notified.add(key);
    this.log.error(`Run ${runId}: ${error.title} ${error.detail}`);
    const actions =
      error.kind === 'oom'
        ? ['Open Config Editor', 'Show Log']
        : error.kind === 'port'
          ? ['Open Settings', 'Show Log']
          : ['Show Log'];
    void vscode.window
      .showErrorMessage(`Ctrl-World: ${error.title} ${error.nextStep}`, ...actions)
      .then((choice) => this.act(choice));
  }

  /**
   * `firstError` is the first error of the whole log, usually the cause; the summary only saw the log's tail. The
   * same buttons as run news for other runs, which leaves the followed run to this notification.
   */
  private notifyEnd(host: string, summary: RunSummary, firstError = summary.lastError): void {
    const { record } = summary;
    const where = `Run ${record.name} on ${hostLabelFor(host)}`;
    const run = { host, runId: record.runId };
    const act = (choice: string | undefined) => this.act(choice, run);
    if (record.state === 'finished') {
      void vscode.window
        .showInformationMessage(
          `Ctrl-World: ${where} finished; its checkpoints are in ${record.outputDir}.`,
          'Open Dashboard',
          'Show Log',
        )
        .then(act);
    } else if (record.state === 'stopped' && !this.wasStoppedHere(record.runId)) {
      void vscode.window
        .showInformationMessage(`Ctrl-World: ${where} was stopped.`, 'Open Dashboard', 'Show Log')
        .then(act);
    } else if (record.state === 'failed') {
      const reason = firstError
        ? `${firstError.title} ${firstError.nextStep}`
        : (record.failure ?? `It exited with status ${record.exitCode}.`);
      const actions = [...(firstError?.kind === 'oom' ? ['Open Config Editor'] : []), 'Open Dashboard', 'Show Log'];
      void vscode.window.showErrorMessage(`Ctrl-World: ${where} failed. ${reason}`, ...actions).then(act);
    }
  }

  private act(choice: string | undefined, run?: { host: string; runId: string }): void {
    if (choice === 'Show Log') this.output.show(true);
    else if (choice === 'Open Dashboard') void vscode.commands.executeCommand('ctrlWorld.openRunDashboard', run);
    else if (choice === 'Open Config Editor') void vscode.commands.executeCommand('ctrlWorld.openConfig');
    else if (choice === 'Open Settings')
      void vscode.commands.executeCommand('workbench.action.openSettings', 'ctrlWorld.training.mainProcessPort');
  }
}
