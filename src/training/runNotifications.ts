// Run news: every run of every known host that finishes, fails, is stopped or stalls gives a notification with Open
// Dashboard and Show Log, unless this window already says how it ended (the followed run, a run stopped from here),
// and a message to the chat webhook when one is set, always: that is for whoever is away.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { describeError } from '../core/errors';
import { postWebhook } from '../core/notify/webhook';
import { RunWatch, type RunEvent } from '../core/training/runWatch';
import type { Settings } from '../settings';
import type { RunsModel } from './runsModel';

/** The SecretStorage key of the webhook address (it carries a token, so it is never a setting). */
export const WEBHOOK_SECRET = 'ctrlWorld.notifications.webhookUrl';

/** A slow validation pass or checkpoint save is not a stall, however fast the steps around it are. */
const MINIMUM_STALL_MS = 10 * 60_000;

export class RunNotifications extends Disposable {
  private watch: RunWatch;

  constructor(
    private readonly model: RunsModel,
    private readonly settings: Settings,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly toldElsewhere: (host: string, runId: string) => boolean,
  ) {
    super();
    this.watch = this.newWatch();
    this.register(model.onDidChange(() => this.check()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('ctrlWorld.notifications')) this.watch = this.newWatch();
      }),
    );
  }

  private newWatch(): RunWatch {
    return new RunWatch({ factor: this.settings.stallFactor, minimumMs: MINIMUM_STALL_MS }, Date.now());
  }

  private check(): void {
    if (!this.settings.runNotifications) return;
    const now = Date.now();
    for (const host of this.model.list()) {
      if (!host.loaded) continue;
      for (const event of this.watch.observe(host.key, host.label, host.runs, now)) void this.tell(event);
    }
  }

  private async tell(event: RunEvent): Promise<void> {
    this.log.info(`Run news: ${event.message}`);
    void this.sendToWebhook(event);
    if (event.kind !== 'stalled' && this.toldElsewhere(event.host, event.runId)) return;
    const actions = ['Open Dashboard', 'Show Log'] as const;
    const choice =
      event.kind === 'failed'
        ? await vscode.window.showErrorMessage(event.message, ...actions)
        : event.kind === 'stalled'
          ? await vscode.window.showWarningMessage(event.message, ...actions)
          : await vscode.window.showInformationMessage(event.message, ...actions);
    const run = { host: event.host, runId: event.runId };
    if (choice === 'Open Dashboard') await vscode.commands.executeCommand('ctrlWorld.openRunDashboard', run);
    if (choice === 'Show Log') await vscode.commands.executeCommand('ctrlWorld.followRun', run);
  }

  private async sendToWebhook(event: RunEvent): Promise<void> {
    const address = await this.secrets.get(WEBHOOK_SECRET);
    if (!address) return;
    try {
      await postWebhook(address, `Ctrl-World: ${event.message}`);
    } catch (error) {
      this.log.warn(describeError(error));
    }
  }
}
