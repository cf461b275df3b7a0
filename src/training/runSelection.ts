// The run (or output folder) the user is looking at: selected in the Runs view or the last dashboard focused. The
// Sample Preview follows it; it is remembered across reloads.
import * as vscode from 'vscode';
import type { DashboardTarget } from '../protocol/runDashboard';

export interface SelectedOutputs {
  readonly target: DashboardTarget;
  /** A short name for captions. */
  readonly label: string;
  /** The output folder on the target's host. */
  readonly outputDir: string;
}

const SELECTED_KEY = 'ctrlWorld.runs.selected';

export class RunSelection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SelectedOutputs | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get current(): SelectedOutputs | undefined {
    return this.state.get<SelectedOutputs>(SELECTED_KEY);
  }

  select(selected: SelectedOutputs): void {
    const previous = this.current;
    if (previous && JSON.stringify(previous) === JSON.stringify(selected)) return;
    void this.state.update(SELECTED_KEY, selected);
    this.changed.fire(selected);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
