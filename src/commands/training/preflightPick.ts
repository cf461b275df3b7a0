// The preflight as a checklist in a quick pick: each check turns green or red as it is judged; a failed check with
// a fix is picked to apply it; when all pass, Enter starts training.
import * as vscode from 'vscode';
import { PREFLIGHT_CHECKS, type PreflightCheck, type PreflightFix } from '../../core/training/preflightChecks';
import type { PreflightResult } from '../../core/training/preflight';

export type PreflightOutcome =
  | { readonly kind: 'launch'; readonly result: PreflightResult }
  | { readonly kind: 'fix'; readonly fix: PreflightFix; readonly check: PreflightCheck }
  | { readonly kind: 'again' };

const FIX_TITLES: Record<PreflightFix, string> = {
  'new-output-folder': 'Enter: choose a new output folder',
  'set-wandb-key': 'Enter: set the WandB key, or run offline',
  'pick-gpus': 'Enter: pick other GPUs',
  'pick-port': 'Enter: choose another port',
  'open-config': 'Enter: open the config',
  'edit-env-setup': 'Enter: edit the environment setup setting',
};

interface Row extends vscode.QuickPickItem {
  readonly outcome?: PreflightOutcome;
}

export function runPreflightChecklist(
  title: string,
  run: (onCheck: (check: PreflightCheck) => void, signal: AbortSignal) => Promise<PreflightResult>,
): Promise<PreflightOutcome | undefined> {
  const quickPick = vscode.window.createQuickPick<Row>();
  const controller = new AbortController();
  quickPick.title = title;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDetail = true;
  quickPick.busy = true;
  quickPick.placeholder = 'Checking the host…';
  const rows = new Map<string, Row>(
    PREFLIGHT_CHECKS.map(([id, label]) => [id, { label: `$(circle-large-outline) ${label}`, detail: 'waiting' }]),
  );
  const render = (head: Row[] = []) => {
    quickPick.items = [...head, ...rows.values()];
  };
  render();
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: PreflightOutcome | undefined) => {
      if (done) return;
      done = true;
      controller.abort();
      quickPick.dispose();
      resolve(outcome);
    };
    quickPick.onDidAccept(() => {
      const outcome = quickPick.activeItems[0]?.outcome;
      if (outcome) finish(outcome);
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
    run((item) => {
      rows.set(item.id, {
        label: `${item.ok ? (item.warning ? '$(warning)' : '$(pass-filled)') : '$(error)'} ${item.title}`,
        detail: item.message,
        description: item.fix ? FIX_TITLES[item.fix] : undefined,
        outcome: item.fix ? { kind: 'fix', fix: item.fix, check: item } : undefined,
      });
      render();
    }, controller.signal).then(
      (result) => {
        const failed = result.checks.filter((item) => !item.ok).length;
        const head: Row[] = result.ok
          ? [
              {
                label: '$(rocket) Start training',
                description: 'all checks passed',
                alwaysShow: true,
                outcome: { kind: 'launch', result },
              },
            ]
          : [{ label: '$(refresh) Run the preflight again', alwaysShow: true, outcome: { kind: 'again' } }];
        render(head);
        quickPick.busy = false;
        quickPick.placeholder = result.ok
          ? 'All checks passed: press Enter to start training.'
          : `${failed} check${failed > 1 ? 's' : ''} failed: pick one to fix it, or press Escape.`;
        const firstFix = [...rows.values()].find((row) => row.outcome);
        quickPick.activeItems = [result.ok ? head[0] : (firstFix ?? head[0])];
      },
      (error: unknown) => {
        if (done) return;
        rows.set('reachable', {
          label: '$(error) Preflight failed',
          detail: error instanceof Error ? error.message : String(error),
        });
        render([{ label: '$(refresh) Run the preflight again', alwaysShow: true, outcome: { kind: 'again' } }]);
        quickPick.busy = false;
      },
    );
  });
}
