// What the training commands share: the hosts, the runs model, the following of a run, settings and the log.
import type * as vscode from 'vscode';
import type { Settings } from '../../settings';
import type { TrainingHosts } from '../../training/hosts';
import type { RunsModel } from '../../training/runsModel';
import type { RunFollowing } from '../../training/runFollowing';

export interface TrainingServices {
  readonly hosts: TrainingHosts;
  readonly model: RunsModel;
  readonly following: RunFollowing;
  readonly settings: Settings;
  readonly log: vscode.LogOutputChannel;
}
