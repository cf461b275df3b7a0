// Set and clear the chat webhook that run news is posted to (kept in secret storage: its address is a credential).
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { parseWebhookUrl, postWebhook } from '../../core/notify/webhook';
import { WEBHOOK_SECRET } from '../../training/runNotifications';
import { askText } from '../../views/quickInput';

export async function setNotificationWebhook(secrets: vscode.SecretStorage): Promise<void> {
  const address = await askText({
    title: 'Run notification webhook',
    prompt: 'A Slack-compatible incoming webhook (https://hooks.slack.com/services/…); kept in secret storage',
    validate: (value) => {
      try {
        parseWebhookUrl(value);
        return undefined;
      } catch (error) {
        return describeError(error);
      }
    },
  });
  if (!address) return;
  // A test message first, so that a wrong address is found now rather than when a run ends at night.
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Ctrl-World: sending a test message to the webhook…' },
    () => postWebhook(address, 'Ctrl-World: run notifications will arrive here.'),
  );
  await secrets.store(WEBHOOK_SECRET, address);
  void vscode.window.showInformationMessage(
    'Ctrl-World: the webhook took a test message; runs that end or stall will be posted there.',
  );
}

export async function clearNotificationWebhook(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(WEBHOOK_SECRET);
  void vscode.window.showInformationMessage('Ctrl-World: run news is no longer posted to a webhook.');
}
