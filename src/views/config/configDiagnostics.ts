// Problems-panel diagnostics and quick fixes for open config*.py files, whether or not the config editor is open.
import * as vscode from 'vscode';
import { configEdits, parseConfigDocument, validateDocument } from '../../core/config';
import { Disposable } from '../../core/lifecycle';
import { configProblems, isConfigFileName } from './configProblems';
import type { TrainingEnvironmentSource } from './environment';

const SOURCE = 'Ctrl-World';

export class ConfigDiagnostics extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('ctrl-world-config'));

  constructor(private readonly environment: TrainingEnvironmentSource) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.refresh(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    this.register(
      environment.onDidChange(() => vscode.workspace.textDocuments.forEach((document) => this.refresh(document))),
    );
    this.register(
      vscode.languages.registerCodeActionsProvider({ pattern: '**/config*.py' }, this, {
        providedCodeActionKinds: ConfigDiagnostics.providedCodeActionKinds,
      }),
    );
    vscode.workspace.textDocuments.forEach((document) => this.refresh(document));
  }

  private refresh(document: vscode.TextDocument): void {
    if (!isConfigFileName(document.fileName)) return;
    const problems = configProblems(document.getText(), this.environment.current.environment);
    if (!problems) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(
      document.uri,
      problems.map((problem) => {
        const range =
          'line' in problem.at
            ? document.lineAt(Math.min(problem.at.line, document.lineCount - 1)).range
            : new vscode.Range(document.positionAt(problem.at.start), document.positionAt(problem.at.end));
        const diagnostic = new vscode.Diagnostic(
          range,
          problem.message,
          problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.source = SOURCE;
        if (problem.field) diagnostic.code = problem.field;
        return diagnostic;
      }),
    );
  }

  /** The fix each issue carries ("Set checkpointing_steps to 10000"), as a quick fix on its diagnostic. */
  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === SOURCE && diagnostic.code);
    if (ours.length === 0) return [];
    const source = document.getText();
    const parsed = parseConfigDocument(source);
    const { errors, warnings } = validateDocument(parsed, this.environment.current.environment);
    return ours.flatMap((diagnostic) => {
      const issue = [...errors, ...warnings].find(
        (candidate) => candidate.field === diagnostic.code && candidate.message === diagnostic.message,
      );
      if (!issue?.fix) return [];
      const action = new vscode.CodeAction(issue.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      for (const { start, end, text } of configEdits(source, issue.fix.changes, parsed)) {
        action.edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), text);
      }
      return [action];
    });
  }
}
