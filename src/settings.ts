// Typed access to the ctrlWorld.* settings: the one place that reads them.
import * as vscode from 'vscode';
import * as path from 'node:path';
import * as os from 'node:os';
import type { ScanOptions } from './core/dataset/types';

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
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
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

  /** The dataset settings as the scan and the validation take them (Datasets view, Episode Preview). */
  get datasetScanOptions(): ScanOptions {
    return { defaultFps: this.datasetFps, actionDim: this.datasetActionDim, jpegSampleFrames: this.datasetJpegSampleFrames };
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

  /** Megabytes of decoded frames an Episode Preview keeps around the playhead. */
  get previewFrameCacheMB(): number {
    const value = this.config.get<number>('preview.frameCacheMB', 256);
    return Number.isFinite(value) ? Math.min(4096, Math.max(32, value)) : 256;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
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
