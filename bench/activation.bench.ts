// Activation time in a real VS Code (code-server): from the activation event to activate() returning, as the
// extension logs it, over several window reloads; and the size of the VSIX.
import { statSync } from 'node:fs';
import { Workbench, builtVsix } from '../test/e2e/support/workbench';
import { tempDir } from '../test/support/fixtures';

const RELOADS = 5;

async function activationFigures(
  workbench: Workbench,
  count: number,
): Promise<Array<{ activate: number; total: number }>> {
  const pattern = /Activated in ([\d.]+) ms \(module load \+ activate: ([\d.]+) ms\)/g;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const figures = [...workbench.extensionLog().matchAll(pattern)].map((m) => ({
      activate: Number(m[1]),
      total: Number(m[2]),
    }));
    if (figures.length >= count) return figures;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`expected ${count} activations in the log`);
}

async function main(): Promise<void> {
  const vsix = builtVsix();
  console.log(`VSIX: ${(statSync(vsix).size / 1048576).toFixed(2)} MB`);
  const { dir, cleanup } = await tempDir('cwf-bench-ws-');
  const workbench = await Workbench.launch({ workspace: dir });
  try {
    for (let i = 1; i <= RELOADS; i++) {
      await workbench.openCtrlWorld(); // the Ctrl-World views are the activation event
      await activationFigures(workbench, i);
      if (i < RELOADS) {
        await workbench.runCommand('Developer: Reload Window');
        await workbench.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      }
    }
    const figures = await activationFigures(workbench, RELOADS);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(
      `activate() alone: median ${median(figures.map((f) => f.activate)).toFixed(1)} ms over ${figures.length} activations`,
    );
    console.log(
      `first line of the bundle to activate() returning (includes VS Code preparing the extension context): median ${median(figures.map((f) => f.total)).toFixed(1)} ms (${figures.map((f) => f.total.toFixed(0)).join(', ')})`,
    );
  } finally {
    await workbench.close();
    await cleanup();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
