// The training feature: the Runs view, the status bar item, the run log, and the commands that start, follow,
// stop and continue runs. Re-attaches to the followed run after a reload.
import * as vscode from 'vscode';
import type { Feature } from '../../services';
import { guardedCommands } from '../guardedCommand';
import { RunsModel } from '../../training/runsModel';
import { RunFollowers } from '../../core/training/followers';
import { RunFollowing } from '../../training/runFollowing';
import { RunStatusBar } from '../../views/runStatusBar';
import { RunsTree } from '../../views/runsTree';
import {
  clearWandbKey,
  continueFromCheckpoint,
  followRun,
  removeHost,
  setWandbKey,
  stopRun,
  type RunArgument,
} from './runCommands';
import { openInWandb, syncRunToWandb } from './wandbCommands';
import { clearNotificationWebhook, setNotificationWebhook } from './notificationCommands';
import { RunNotifications } from '../../training/runNotifications';
import { MultiNodeWatchers } from '../../training/multiNodeWatchers';
import type { TrainingServices } from '../../training/services';
import type { RunsNode } from '../../views/runsTree';
import { startTraining } from './startTraining';
import { registerMonitoring } from '../monitoring/register';

export const registerTraining: Feature = ({ context, log, settings, hosts }) => {
  const model = new RunsModel(hosts, settings, log);
  const statusBar = new RunStatusBar();
  // One follower per run log, whether the status bar, a dashboard or both show the run.
  const followers = new RunFollowers((host) => hosts.registry(host));
  const following = new RunFollowing(hosts, followers, model, statusBar, log, settings.onDidChange);
  const notifications = new RunNotifications(model, settings, context.secrets, log, (host, runId) =>
    following.tellsEndOf(host, runId),
  );
  const multiNodeWatchers = new MultiNodeWatchers(model, hosts, settings, log);
  const tree = new RunsTree(model);
  const treeView = vscode.window.createTreeView('ctrlWorld.runs', { treeDataProvider: tree, showCollapseAll: true });
  const services: TrainingServices = { hosts, model, followers, following, settings, log };
  const command = guardedCommands(log);
  context.subscriptions.push(
    model,
    statusBar,
    followers,
    following,
    notifications,
    multiNodeWatchers,
    tree,
    treeView,
    // From a host in the Runs view the wizard starts on that host; from a config file (the config editor's button,
    // the explorer) it uses that file.
    command('ctrlWorld.startTraining', async (argument?: RunsNode | vscode.Uri) => {
      if (argument instanceof vscode.Uri) {
        // What the editor shows, unsaved changes included, is what the run gets.
        const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === argument.toString());
        const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(argument));
        return startTraining(services, { config: { kind: 'local', path: argument.fsPath, text } });
      }
      return startTraining(services, argument?.kind === 'host' ? { host: argument.host.key } : {});
    }),
    command('ctrlWorld.refreshRuns', () => model.refresh()),
    command('ctrlWorld.followRun', (argument?: Parameters<typeof followRun>[1]) => followRun(services, argument)),
    command('ctrlWorld.stopRun', (argument?: Parameters<typeof stopRun>[1]) => stopRun(services, argument)),
    command('ctrlWorld.continueFromCheckpoint', (argument?: Parameters<typeof continueFromCheckpoint>[1]) =>
      continueFromCheckpoint(services, argument),
    ),
    command('ctrlWorld.setWandbKey', () => setWandbKey(services)),
    command('ctrlWorld.openInWandb', (argument?: RunArgument) => openInWandb(services, argument)),
    command('ctrlWorld.syncRunToWandb', (argument?: RunArgument) => syncRunToWandb(services, argument)),
    command('ctrlWorld.clearWandbKey', () => clearWandbKey(services)),
    command('ctrlWorld.setNotificationWebhook', () => setNotificationWebhook(context.secrets)),
    command('ctrlWorld.clearNotificationWebhook', () => clearNotificationWebhook(context.secrets)),
    command('ctrlWorld.removeRunsHost', (node?: Parameters<typeof removeHost>[1]) => removeHost(services, node)),
    settings.onDidChange(() => void model.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void model.refresh()),
    treeView.onDidChangeVisibility((event) => model.setShown(event.visible)),
  );
  model.setShown(treeView.visible);
  registerMonitoring(services, context, tree, treeView);
  void model.refresh();
  void following.reattach();
};
