// The output folders of runs as the views see them: one listing per folder, shared by the Runs view's checkpoints,
// the dashboards and the Sample Preview, refreshed on a timer while something watches it.
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { listOutputs, withPreviousListing, type OutputListing } from '../core/training/outputs';
import type { Settings } from '../settings';
import type { TrainingHosts } from './hosts';

export interface OutputFolder {
  readonly host: string;
  readonly dir: string;
}

interface Entry {
  listing?: OutputListing;
  error?: string;
  at: number;
  inFlight?: Promise<OutputListing>;
  watchers: number;
  timer?: ReturnType<typeof setInterval>;
}

export function folderKey(folder: OutputFolder): string {
  return `${folder.host}\0${folder.dir}`;
}

export class RunOutputs implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<OutputFolder>();
  /** Fires after a folder's listing changed (or failed). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly hosts: TrainingHosts,
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A new refresh interval applies to the folders watched now, too.
    this.subscription = settings.onDidChange(() => {
      for (const [key, entry] of this.entries) {
        if (!entry.timer) continue;
        clearInterval(entry.timer);
        entry.timer = this.startTimer(key);
      }
    });
  }

  cached(folder: OutputFolder): OutputListing | undefined {
    return this.entries.get(folderKey(folder))?.listing;
  }

  lastError(folder: OutputFolder): string | undefined {
    return this.entries.get(folderKey(folder))?.error;
  }

  /** The listing, read again when older than `maxAgeMs`; concurrent asks share one round trip. */
  get(folder: OutputFolder, maxAgeMs = this.settings.dashboardRefreshSeconds * 1000): Promise<OutputListing> {
    const entry = this.entry(folder);
    if (entry.listing && Date.now() - entry.at < maxAgeMs) return Promise.resolve(entry.listing);
    entry.inFlight ??= this.read(folder, entry).finally(() => {
      entry.inFlight = undefined;
    });
    return entry.inFlight;
  }

  /** Keeps a folder's listing fresh while the returned disposable lives. */
  watch(folder: OutputFolder): vscode.Disposable {
    const entry = this.entry(folder);
    entry.watchers += 1;
    if (!entry.timer) {
      entry.timer = this.startTimer(folderKey(folder));
      void this.get(folder).catch(() => undefined);
    }
    return new vscode.Disposable(() => {
      entry.watchers -= 1;
      if (entry.watchers === 0) {
        clearInterval(entry.timer);
        entry.timer = undefined;
      }
    });
  }

  private startTimer(key: string): ReturnType<typeof setInterval> {
    const [host, dir] = key.split('\0');
    return setInterval(
      () => void this.get({ host, dir }, 0).catch(() => undefined),
      this.settings.dashboardRefreshSeconds * 1000,
    );
  }

  private entry(folder: OutputFolder): Entry {
    const key = folderKey(folder);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { at: 0, watchers: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async read(folder: OutputFolder, entry: Entry): Promise<OutputListing> {
    try {
      const registry = await this.hosts.registry(folder.host);
      const listing = withPreviousListing(
        await listOutputs(registry.host, await registry.root(), folder.dir),
        entry.listing,
      );
      const changed = JSON.stringify(listing) !== JSON.stringify(entry.listing) || entry.error !== undefined;
      Object.assign(entry, { listing, error: undefined, at: Date.now() });
      if (changed) this.changed.fire(folder);
      return listing;
    } catch (error) {
      const message = describeError(error);
      if (entry.error !== message) this.log.warn(`Listing ${folder.dir} on ${folder.host} failed: ${message}`);
      entry.error = message;
      this.changed.fire(folder);
      throw error;
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) clearInterval(entry.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
