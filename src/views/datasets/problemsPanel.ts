// Mirrors every episode's problems into the Problems panel, on the episode file itself.
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import type { DatasetsModel } from './datasetsModel';

const SOURCE = 'Ctrl-World datasets';

export class ProblemsPanel extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('ctrlWorld.datasets'));

  constructor(private readonly model: DatasetsModel) {
    super();
    this.register(model.onDidChange(() => this.update()));
  }

  /** Total errors and warnings, for the view's badge. */
  counts(): { errors: number; warnings: number } {
    let errors = 0;
    let warnings = 0;
    for (const { result } of this.model.roots) {
      errors += result?.summary.errors ?? 0;
      warnings += result?.summary.warnings ?? 0;
    }
    return { errors, warnings };
  }

  private update(): void {
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
    for (const { result } of this.model.roots) {
      for (const episode of result?.episodes ?? []) {
        if (episode.problems.length === 0) continue;
        entries.push([
          vscode.Uri.file(episode.path),
          episode.problems.map((problem) => {
            const severity =
              problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
            const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), problem.message, severity);
            diagnostic.source = SOURCE;
            diagnostic.code = problem.code;
            return diagnostic;
          }),
        ]);
      }
    }
    this.collection.clear();
    this.collection.set(entries);
  }
}
