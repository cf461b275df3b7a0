// The Datasets tree view: scan progress and cancellation in the view, a problem badge, and watchers that rescan.
import * as vscode from 'vscode';
import { Disposable, toDisposable, type DisposableLike } from '../../core/lifecycle';
import type { Settings } from '../../settings';
import type { DatasetsModel, ScanStatus } from './datasetsModel';
import { SORT_LABELS, type DatasetsTree, type DatasetsViewNode } from './datasetsTree';
import type { ProblemsPanel } from './problemsPanel';

export const DATASETS_VIEW_ID = 'ctrlWorld.datasets';
const SCANNING_CONTEXT = 'ctrlWorld.datasetsScanning';
const FILTERED_CONTEXT = 'ctrlWorld.datasetsFiltered';
/** Changes to episode files arrive in bursts (a copy, a recording): rescan once they settle. */
const WATCH_DEBOUNCE_MS = 1500;
/** Only scans that take longer than this put a message in the view (short rescans would make it flicker). */
const MESSAGE_DELAY_MS = 400;
/**
 * The progress message changes at most this often: a scan reports every file, and each change is a message to the
 * window, which re-renders the view while VS Code may still be starting.
 */
const MESSAGE_INTERVAL_MS = 100;

export class DatasetsView extends Disposable {
  readonly view: vscode.TreeView<DatasetsViewNode>;
  private watchers: DisposableLike[] = [];
  private watchedRoots = '';
  private debounce?: NodeJS.Timeout;
  private progressDone?: () => void;
  private scanStarted = 0;
  private messageShown = 0;
  private scanningContext?: boolean;

  constructor(
    private readonly model: DatasetsModel,
    readonly tree: DatasetsTree,
    private readonly problems: ProblemsPanel,
    settings: Settings,
  ) {
    super();
    this.view = this.register(
      vscode.window.createTreeView(DATASETS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    );
    this.register(model.onDidProgress((status) => this.showStatus(status)));
    this.register(
      model.onDidChange(() => {
        this.updateBadge();
        this.updateWatchers();
      }),
    );
    this.register(tree.onDidChangeTreeData(() => this.updateDescription()));
    this.register(
      settings.onDidChange(() => {
        model.updateOptions();
        this.refreshSoon(0);
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshSoon(0)));
    this.register(
      toDisposable(() => {
        clearTimeout(this.debounce);
        this.progressDone?.();
        for (const watcher of this.watchers) watcher.dispose();
      }),
    );
    this.updateDescription();
  }

  /** Rescans after `delayMs`, once: later requests within the delay restart it. */
  refreshSoon(delayMs = WATCH_DEBOUNCE_MS): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.model.refresh(), delayMs);
  }

  private showStatus(status: ScanStatus): void {
    // Set when it changes only: every setContext makes the window evaluate its menus' conditions again.
    if (this.scanningContext !== status.scanning) {
      this.scanningContext = status.scanning;
      void vscode.commands.executeCommand('setContext', SCANNING_CONTEXT, status.scanning);
    }
    if (status.scanning && !this.progressDone) {
      this.scanStarted = performance.now();
      void vscode.window.withProgress(
        { location: { viewId: DATASETS_VIEW_ID } },
        () =>
          new Promise<void>((resolve) => {
            this.progressDone = resolve;
          }),
      );
    }
    if (!status.scanning) {
      this.progressDone?.();
      this.progressDone = undefined;
    }
    const now = performance.now();
    if (status.scanning && status.progress) {
      if (now - this.scanStarted <= MESSAGE_DELAY_MS || now - this.messageShown < MESSAGE_INTERVAL_MS) return;
      this.messageShown = now;
      const { done, total } = status.progress;
      this.view.message = `Scanning episodes: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}… (Cancel Scan stops it)`;
    } else if (!status.scanning) {
      this.view.message = status.cancelled
        ? 'Scan cancelled: the list may be out of date. Refresh Datasets scans again.'
        : undefined;
    }
  }

  private updateBadge(): void {
    const { errors, warnings } = this.problems.counts();
    this.view.badge =
      errors > 0
        ? {
            value: errors,
            tooltip: `${errors} episode error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warnings` : ''} in the datasets`,
          }
        : undefined;
  }

  private updateDescription(): void {
    const parts = [
      this.tree.filter ? `filter: "${this.tree.filter}"` : '',
      this.tree.sort !== 'name' ? `by ${SORT_LABELS[this.tree.sort].split(' (')[0]!.toLowerCase()}` : '',
    ];
    this.view.description = parts.filter(Boolean).join(' · ') || undefined;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, !!this.tree.filter);
  }

  /** One watcher per scanned root, for *.hdf5 and *.h5 anywhere below it. */
  private updateWatchers(): void {
    const roots = this.model.roots.filter((state) => !state.root.missing).map((state) => state.root.folder);
    const key = roots.join('\n');
    if (key === this.watchedRoots) return;
    this.watchedRoots = key;
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
    for (const root of roots) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(root), '**/*.{hdf5,h5,HDF5,H5}'),
      );
      const rescan = () => this.refreshSoon();
      this.watchers.push(
        watcher,
        watcher.onDidCreate(rescan),
        watcher.onDidChange(rescan),
        watcher.onDidDelete(rescan),
      );
    }
  }
}
