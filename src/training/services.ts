// What the training commands share: the hosts, the runs model, the shared log followers, the following of a run,
// settings and the log.
import type * as vscode from 'vscode';
import type { RunFollowers } from '../core/training/followers';
import type { Settings } from '../settings';
import type { TrainingHosts } from './hosts';
import type { RunsModel } from './runsModel';
import type { RunFollowing } from './runFollowing';

export interface TrainingServices {
  readonly hosts: TrainingHosts;
  readonly model: RunsModel;
  readonly followers: RunFollowers;
  readonly following: RunFollowing;
  readonly settings: Settings;
  readonly log: vscode.LogOutputChannel;
}
