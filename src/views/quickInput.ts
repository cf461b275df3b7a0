// Quick picks and input boxes for multi-step commands: a step counter, a busy indicator while items load, and
// undefined when the user presses Escape. Keyboard-only use works (and tests drive them that way).
import * as vscode from 'vscode';

export interface StepOptions {
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
  readonly placeholder?: string;
}

function configure(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, options: StepOptions): void {
  input.title = options.title;
  input.step = options.step;
  input.totalSteps = options.totalSteps;
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = true;
}

/** One item, from items that may still be loading; a load error is shown in the picker's place. */
export function pickOne<T extends vscode.QuickPickItem>(
  items: T[] | Promise<T[]>,
  options: StepOptions & { activeIndex?: number },
): Promise<T | undefined> {
  return pick(items, options, false).then((picked) => picked?.[0]);
}

export function pickMany<T extends vscode.QuickPickItem>(
  items: T[] | Promise<T[]>,
  options: StepOptions,
): Promise<T[] | undefined> {
  return pick(items, options, true);
}

function pick<T extends vscode.QuickPickItem>(
  items: T[] | Promise<T[]>,
  options: StepOptions & { activeIndex?: number },
  many: boolean,
): Promise<T[] | undefined> {
  const quickPick = vscode.window.createQuickPick<T>();
  configure(quickPick as unknown as vscode.QuickPick<vscode.QuickPickItem>, options);
  quickPick.canSelectMany = many;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.busy = true;
  return new Promise<T[] | undefined>((resolve, reject) => {
    let done = false;
    const finish = (value: T[] | undefined, error?: unknown) => {
      if (done) return;
      done = true;
      quickPick.dispose();
      if (error) reject(error);
      else resolve(value);
    };
    quickPick.onDidAccept(() => {
      if (quickPick.busy) return;
      finish(many ? [...quickPick.selectedItems] : quickPick.activeItems.slice(0, 1));
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
    Promise.resolve(items).then(
      (loaded) => {
        quickPick.items = loaded;
        if (many) quickPick.selectedItems = loaded.filter((item) => item.picked);
        else {
          const active = loaded.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator)[
            options.activeIndex ?? 0
          ];
          if (active) quickPick.activeItems = [active];
        }
        quickPick.busy = false;
      },
      (error: unknown) => finish(undefined, error),
    );
  });
}

/** Text with validation as the user types; `validate` returns a message for bad input; `password` hides a secret. */
export function askText(
  options: StepOptions & {
    value?: string;
    prompt?: string;
    password?: boolean;
    validate?: (value: string) => string | undefined;
  },
): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  configure(box, options);
  box.value = options.value ?? '';
  box.prompt = options.prompt;
  box.password = options.password ?? false;
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      box.dispose();
      resolve(value);
    };
    box.onDidChangeValue((value) => {
      box.validationMessage = options.validate?.(value);
    });
    box.onDidAccept(() => {
      const message = options.validate?.(box.value);
      if (message) box.validationMessage = message;
      else finish(box.value.trim());
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
