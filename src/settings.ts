// Typed access to the ctrlWorld.* settings: the one place that reads them.
import * as vscode from 'vscode';
import * as path from 'node:path';
import * as os from 'node:os';
import { DEFAULT_ENVIRONMENT } from './core/config/environment';
import type { TrainingEnvironment } from './core/config/types';
import type { ScanOptions } from './core/dataset/types';
import { UserFacingError } from './core/errors';
import {
  COLOR_ORDERS,
  parseGripperChoice,
  parsePoseChoice,
  POSE_FORMATS,
  StateChoiceError,
  type ColorOrder,
  type GripperChoice,
  type PoseChoice,
  type PoseFormat,
} from './core/convert/stateSource';

const SECTION = 'ctrlWorld';

export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any ctrlWorld.* setting changed; listeners re-read what they need. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) this.changed.fire();
    });
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Dataset folders as absolute paths; relative ones resolve against the first workspace folder. */
  get datasetFolders(): string[] {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    return this.config.get<string[]>('datasetFolders', []).map((folder) => resolveUserPath(folder, base));
  }

  async addDatasetFolder(folder: string): Promise<void> {
    const current = this.config.get<string[]>('datasetFolders', []);
    if (current.includes(folder)) return;
    const target = vscode.workspace.workspaceFolders
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await this.config.update('datasetFolders', [...current, folder], target);
  }

  /** Frames per second of episodes whose file has no `fps` attribute (ALOHA and Flexiv record at 30 Hz). */
  get datasetFps(): number {
    return positiveNumber(this.config.get<number>('datasetFps', 30), 30);
  }

  /** Frames per JPEG camera checked for decodability in each episode, spread over the episode. */
  get datasetJpegSampleFrames(): number {
    return Math.round(Math.min(1000, positiveNumber(this.config.get<number>('datasetJpegSampleFrames', 8), 8)));
  }

  /** The action and qpos width the training config expects (its `action_dim`). */
  get datasetActionDim(): number {
    return Math.round(positiveNumber(this.config.get<number>('datasetActionDim', 7), 7));
  }

  /** Channel order of raw (T, H, W, 3) camera frames, for the Episode Preview and the latent encoder. */
  get datasetRawColorOrder(): ColorOrder {
    const value = this.config.get<string>('datasetRawColorOrder', 'rgb');
    return (COLOR_ORDERS as readonly string[]).includes(value) ? (value as ColorOrder) : 'rgb';
  }

  /** The dataset settings as the scan and the validation take them (Datasets view, Episode Preview). */
  get datasetScanOptions(): ScanOptions {
    return {
      defaultFps: this.datasetFps,
      actionDim: this.datasetActionDim,
      jpegSampleFrames: this.datasetJpegSampleFrames,
      checkSeconds: Math.min(600, positiveNumber(this.config.get<number>('datasetCheckSeconds', 5), 5)),
    };
  }

  get defaultSshHost(): string {
    return this.config.get<string>('ssh.defaultHost', '').trim();
  }

  get sshConfigFile(): string | undefined {
    const file = this.config.get<string>('ssh.configFile', '').trim();
    return file ? resolveUserPath(file, os.homedir()) : undefined;
  }

  get remoteCtrlWorldFolder(): string {
    return this.config.get<string>('remote.ctrlWorldFolder', '~/Ctrl-World').trim() || '~/Ctrl-World';
  }

  /** The GPUs, memory, checkpoint size and reference speed the config editor's figures assume. */
  get trainingEnvironment(): TrainingEnvironment {
    return {
      gpus: this.config.get<number>('training.gpus', DEFAULT_ENVIRONMENT.gpus),
      gpuMemoryGb: this.config.get<number>('training.gpuMemoryGb', DEFAULT_ENVIRONMENT.gpuMemoryGb),
      checkpointSizeGb: this.config.get<number>('training.checkpointSizeGb', DEFAULT_ENVIRONMENT.checkpointSizeGb),
      referenceSecondsPerStep: this.config.get<number>(
        'training.secondsPerStep',
        DEFAULT_ENVIRONMENT.referenceSecondsPerStep,
      ),
    };
  }

  /** Hosts offered when starting training besides the Host entries of the SSH config. */
  get extraSshHosts(): string[] {
    return this.config
      .get<string[]>('ssh.hosts', [])
      .map((host) => host.trim())
      .filter(Boolean);
  }

  /** The run registry on each GPU host (run.json, logs, the remote kit). */
  get remoteRegistryFolder(): string {
    return this.config.get<string>('remote.registryFolder', '~/.ctrl-world-flexiv').trim() || '~/.ctrl-world-flexiv';
  }

  /** A shell command run on the host before training and the preflight's package check (e.g. conda activate). */
  get remoteEnvSetup(): string {
    return this.config.get<string>('remote.envSetup', '').trim();
  }

  get trainingDetach(): 'setsid' | 'tmux' {
    return this.config.get<string>('training.detach', 'setsid') === 'tmux' ? 'tmux' : 'setsid';
  }

  get mainProcessPort(): number {
    const port = this.config.get<number>('training.mainProcessPort', 29501);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 29501;
  }

  get stopGraceSeconds(): number {
    return Math.max(1, this.config.get<number>('training.stopGraceSeconds', 30));
  }

  /** Notifications when a run ends or stalls (ctrlWorld.notifications.runEnd). */
  get runNotifications(): boolean {
    return this.config.get<boolean>('notifications.runEnd', true);
  }

  /** A run is stalled after this many times its usual step time without a step; 0 turns stall news off. */
  get stallFactor(): number {
    return Math.max(0, this.config.get<number>('notifications.stallFactor', 10));
  }

  get runsRefreshSeconds(): number {
    return Math.max(3, this.config.get<number>('runs.refreshIntervalSeconds', 15));
  }

  /**
   * Seconds between looks into an output folder (checkpoints, samples, disk) by dashboards, the preview and the tree.
   */
  get dashboardRefreshSeconds(): number {
    return Math.max(2, this.config.get<number>('dashboard.refreshIntervalSeconds', 15));
  }

  get dashboardLogPollSeconds(): number {
    return Math.max(0.5, this.config.get<number>('dashboard.logPollSeconds', 2));
  }

  get gpuSampleSeconds(): number {
    return Math.max(1, this.config.get<number>('dashboard.gpuSampleSeconds', 5));
  }

  get sampleCacheBytes(): number {
    return Math.max(20, this.config.get<number>('samples.cacheSizeMb', 1024)) * 1024 * 1024;
  }

  get transferMethod(): 'auto' | 'rsync' | 'ssh' {
    const method = this.config.get<string>('transfer.method', 'auto');
    return method === 'rsync' || method === 'ssh' ? method : 'auto';
  }

  get bandwidthLimitKiBps(): number {
    return Math.max(0, this.config.get<number>('transfer.bandwidthLimitKiBps', 0));
  }

  /** The folder checkpoints are downloaded into; undefined: ask. */
  get checkpointDownloadFolder(): string | undefined {
    const folder = this.config.get<string>('checkpoints.downloadFolder', '').trim();
    return folder
      ? resolveUserPath(folder, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir())
      : undefined;
  }

  get ffmpegPath(): string {
    const value = this.config.get<string>('ffmpegPath', 'ffmpeg').trim() || 'ffmpeg';
    return value.includes('/') ? resolveUserPath(value, os.homedir()) : value;
  }

  /** Where training-config profiles (*.yaml) are saved, relative paths against the first workspace folder. */
  get configProfilesFolder(): string {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    return resolveUserPath(
      this.config.get<string>('config.profilesFolder', '.ctrl-world/profiles').trim() || '.ctrl-world/profiles',
      base,
    );
  }

  /** Opening another episode shows it in the open Episode Preview that is not kept open, as editor previews do. */
  get previewReuse(): boolean {
    return this.config.get<boolean>('preview.reuseOpenPreview', true);
  }

  /** How an Episode Preview's frames reach its webview: fetched over HTTP (falling back to messages), or messages. */
  get previewFrameTransport(): 'http' | 'messages' {
    return this.config.get<string>('preview.frameTransport', 'http') === 'messages' ? 'messages' : 'http';
  }

  /** Megabytes of decoded frames an Episode Preview keeps around the playhead. */
  get previewFrameCacheMB(): number {
    const value = this.config.get<number>('preview.frameCacheMB', 256);
    return Number.isFinite(value) ? Math.min(4096, Math.max(32, value)) : 256;
  }

  /** The dataset root conversion writes to when no training config names one; '' lets the command propose one. */
  get convertOutputFolder(): string {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    const folder = this.config.get<string>('convert.outputFolder', '').trim();
    return folder ? resolveUserPath(folder, base) : '';
  }

  /** The instruction written to every annotation's texts; '' takes each episode's `task` attribute. */
  get convertTask(): string {
    return this.config.get<string>('convert.task', '').trim();
  }

  /** The end-effector pose array and its format; throws naming the setting when they do not go together. */
  get convertPose(): PoseChoice | 'auto' {
    const format = this.config.get<string>('convert.poseFormat', 'auto');
    const known = (POSE_FORMATS as readonly string[]).includes(format) ? (format as PoseFormat) : 'auto';
    return settingValue('ctrlWorld.convert.poseArray', () =>
      parsePoseChoice(this.config.get<string>('convert.poseArray', ''), known),
    );
  }

  /** The gripper array (`gripper_width`, `action[6]`); throws naming the setting when it cannot be read. */
  get convertGripper(): GripperChoice | 'auto' {
    return settingValue('ctrlWorld.convert.gripperArray', () =>
      parseGripperChoice(this.config.get<string>('convert.gripperArray', '')),
    );
  }

  get convertValidationRatio(): number {
    const value = this.config.get<number>('convert.validationRatio', 0.1);
    return Number.isFinite(value) && value >= 0 && value < 1 ? value : 0.1;
  }

  /** Video frames per second the default stride aims for. */
  get convertTargetFps(): number {
    const value = this.config.get<number>('convert.targetFps', 5);
    return Number.isFinite(value) && value > 0 ? value : 5;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function settingValue<T>(setting: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof StateChoiceError)
      throw new UserFacingError(`The setting ${setting}: ${error.message}`, error.hint, 'settings');
    throw error;
  }
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Expands a leading ~ and makes a path absolute against `base`. */
export function resolveUserPath(input: string, base: string): string {
  const expanded = input === '~' || input.startsWith('~/') ? path.join(os.homedir(), input.slice(1)) : input;
  return path.resolve(base, expanded);
}
