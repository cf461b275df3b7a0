// Checkpoint downloads under way, so every view of a run (its dashboard, the Runs view) shows their progress and
// no second download of the same file starts.
import * as vscode from 'vscode';

export interface DownloadKey {
  readonly host: string;
  readonly path: string;
}

export class CheckpointDownloads implements vscode.Disposable {
  private readonly progress = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private key(download: DownloadKey): string {
    return `${download.host}\0${download.path}`;
  }

  isRunning(download: DownloadKey): boolean {
    return this.progress.has(this.key(download));
  }

  /** 0..1 while it runs. */
  fraction(download: DownloadKey): number | undefined {
    return this.progress.get(this.key(download));
  }

  report(download: DownloadKey, fraction: number): void {
    const key = this.key(download);
    const previous = this.progress.get(key);
    this.progress.set(key, fraction);
    // Whole percents are enough for a view; finer updates would only redraw it.
    if (previous === undefined || Math.floor(previous * 100) !== Math.floor(fraction * 100)) this.changed.fire();
  }

  finish(download: DownloadKey): void {
    if (this.progress.delete(this.key(download))) this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
