// The commands on runs: follow, stop, continue from a checkpoint, refresh; the WandB key; forgetting a host.
import * as vscode from 'vscode';
import { stopMultiNode } from '../../core/training/multiNode';
import { describeError } from '../../core/errors';
import { isActive, type RunSummary } from '../../core/training/runRecord';
import { isFinished, listOutputs, type CheckpointFile } from '../../core/training/outputs';
import { hostLabelFor } from '../../training/hosts';
import type { RunsNode } from '../../views/runsTree';
import type { TrainingServices } from '../../training/services';
import { pickOne, askText } from '../../views/quickInput';
import { startTraining } from './startTraining';

/** A run as commands receive it: a tree node, the status bar's {host, runId}, or nothing (then the user picks). */
export type RunArgument = RunsNode | { host: string; runId: string } | undefined;

export async function resolveRun(
  services: TrainingServices,
  argument: RunArgument,
  filter: (run: RunSummary) => boolean,
  purpose: string,
): Promise<{ host: string; summary: RunSummary } | undefined> {
  if (argument && 'kind' in argument && argument.kind === 'run')
    return { host: argument.host, summary: argument.summary };
  if (argument && 'runId' in argument) {
    const summary =
      services.model.find(argument.host, argument.runId) ??
      (await (await services.hosts.registry(argument.host)).get(argument.runId));
    return { host: argument.host, summary };
  }
  const rows = services.model.list().flatMap((host) =>
    host.runs.filter(filter).map((summary) => ({
      label: summary.record.name,
      description: `${hostLabelFor(host.key)} · ${summary.record.state}`,
      detail: summary.record.outputDir,
      host: host.key,
      summary,
    })),
  );
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(
      `Ctrl-World: no run to ${purpose}. Runs appear in the Runs view once a host has some.`,
    );
    return undefined;
  }
  const picked = await pickOne(rows, { title: `Run to ${purpose}` });
  return picked && { host: picked.host, summary: picked.summary };
}

export async function followRun(services: TrainingServices, argument: RunArgument): Promise<void> {
  const run = await resolveRun(services, argument, () => true, 'follow');
  if (run) await services.following.follow(run.host, run.summary.record.runId, true);
}

export async function stopRun(services: TrainingServices, argument: RunArgument): Promise<void> {
  const run = await resolveRun(services, argument, (summary) => isActive(summary.record.state), 'stop');
  if (!run) return;
  const { record } = run.summary;
  const grace = services.settings.stopGraceSeconds;
  const confirm = await vscode.window.showWarningMessage(
    `Stop run ${record.name} on ${hostLabelFor(run.host)}?`,
    {
      modal: true,
      detail: `Its processes get SIGTERM, and SIGKILL after ${grace} s. Checkpoints already saved in ${record.outputDir} stay.`,
    },
    'Stop Run',
  );
  if (confirm !== 'Stop Run') return;
  services.following.stoppedHere(record.runId);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stopping ${record.name}…` },
      async () => {
        if (!record.multiNode) return (await services.hosts.registry(run.host)).stop(record.runId, grace);
        // A multi-node run: every machine's part, each over its host's own connection.
        const results = await stopMultiNode(await services.hosts.machineRuns(record), grace);
        return { ...results[0], remaining: results.flatMap((result) => result.remaining) };
      },
    );
    void services.model.refresh(run.host);
    if (result.remaining.length > 0) {
      const message = `Ctrl-World: run ${record.name} is ${result.state}, but processes ${result.remaining.join(', ')} are still alive on ${hostLabelFor(run.host)}. Check them with ps or nvidia-smi.`;
      services.log.warn(message);
      void vscode.window.showErrorMessage(message);
    } else {
      const message = `Ctrl-World: run ${record.name} stopped${result.signal ? ` (SIG${result.signal})` : ''}; no process of it is left on the host.`;
      services.log.info(message);
      void vscode.window.showInformationMessage(message);
    }
  } catch (error) {
    const message = `Ctrl-World: could not stop run ${record.name}: ${describeError(error)}`;
    services.log.error(message);
    void vscode.window.showErrorMessage(message);
  }
}

/** A checkpoint chosen in a dashboard or under a run in the Runs view; `runId` is absent for a plain output folder. */
export interface CheckpointArgument {
  readonly host: string;
  readonly runId?: string;
  readonly dir: string;
  readonly checkpoint: { readonly path: string; readonly step: number };
}

function isCheckpointArgument(argument: unknown): argument is CheckpointArgument {
  return typeof argument === 'object' && argument !== null && 'checkpoint' in argument && 'dir' in argument;
}

/** The finished checkpoints of a folder, newest first; one still being written is never offered. */
async function finishedCheckpoints(services: TrainingServices, host: string, dir: string): Promise<CheckpointFile[]> {
  const registry = await services.hosts.registry(host);
  const listing = await listOutputs(registry.host, await registry.root(), dir);
  const files = listing.checkpoints.filter(isFinished).reverse();
  if (files.length === 0) throw new Error(`${dir} holds no finished checkpoint-*.pt yet.`);
  return files;
}

export async function continueFromCheckpoint(
  services: TrainingServices,
  argument: RunArgument | CheckpointArgument,
): Promise<void> {
  const chosen = isCheckpointArgument(argument) ? argument : undefined;
  if (chosen && !chosen.runId) return continueFromFolder(services, chosen);
  const run = await resolveRun(
    services,
    chosen ? { host: chosen.host, runId: chosen.runId! } : (argument as RunArgument),
    (summary) => !isActive(summary.record.state),
    'continue',
  );
  if (!run) return;
  const { record } = run.summary;
  let picked: { file: CheckpointFile } | undefined;
  try {
    const files = finishedCheckpoints(services, run.host, record.outputDir);
    if (chosen) {
      const file = (await files).find((candidate) => candidate.step === chosen.checkpoint.step);
      if (!file)
        throw new Error(`checkpoint-${chosen.checkpoint.step}.pt is not a finished checkpoint of ${record.outputDir}.`);
      picked = { file };
    } else {
      const items = files.then((list) =>
        list.map((file) => ({
          label: `$(save) ${file.name}`,
          description: `step ${file.step.toLocaleString('en-US')}`,
          file,
        })),
      );
      picked = await pickOne(items, {
        title: `Continue ${record.name} from a checkpoint`,
        placeholder: 'The checkpoint whose weights the new run starts from',
      });
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
    return;
  }
  if (!picked || !(await confirmContinue(picked.file.step))) return;
  await startTraining(services, {
    title: `Continue ${record.name} from step ${picked.file.step.toLocaleString('en-US')}`,
    host: run.host,
    folder: record.workdir,
    config: { kind: 'host', path: record.configSnapshot },
    outputDir: `${record.outputDir.replace(/\/+$/, '')}-from-${picked.file.step}`,
    ckptPath: picked.file.path,
    continuedFrom: { runId: record.runId, checkpoint: picked.file.path, step: picked.file.step },
  });
}

/** A checkpoint of a folder with no run record: the Ctrl-World folder and config are asked for as for a new run. */
async function continueFromFolder(services: TrainingServices, chosen: CheckpointArgument): Promise<void> {
  try {
    if (
      !(await finishedCheckpoints(services, chosen.host, chosen.dir)).some(
        (file) => file.step === chosen.checkpoint.step,
      )
    ) {
      throw new Error(`checkpoint-${chosen.checkpoint.step}.pt is not a finished checkpoint of ${chosen.dir}.`);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
    return;
  }
  if (!(await confirmContinue(chosen.checkpoint.step))) return;
  await startTraining(services, {
    title: `Continue from ${chosen.checkpoint.path.split('/').pop()}`,
    host: chosen.host,
    outputDir: `${chosen.dir.replace(/\/+$/, '')}-from-${chosen.checkpoint.step}`,
    ckptPath: chosen.checkpoint.path,
    continuedFrom: { checkpoint: chosen.checkpoint.path, step: chosen.checkpoint.step },
  });
}

async function confirmContinue(step: number): Promise<boolean> {
  const understood = await vscode.window.showInformationMessage(
    `Continue from checkpoint-${step}.pt as a new run?`,
    {
      modal: true,
      detail:
        'Upstream Ctrl-World resumes by loading weights only: the step counter, the optimizer state and the learning rate start again from zero, so the new run counts steps from 0 and names its checkpoints from the first interval again. It writes into a new output folder, so no earlier checkpoint is overwritten.',
    },
    'Continue',
  );
  return understood === 'Continue';
}

export async function setWandbKey(services: TrainingServices): Promise<void> {
  const key = await askText({
    title: 'WandB API key',
    prompt:
      "Kept in VS Code's secret storage; passed only to the training process's environment, never written to a log, run.json or settings",
    // Hidden while typed or pasted, as Start Flexiv Training's key box is: a key on screen ends up in screenshots.
    password: true,
    validate: (value) => (/^\S+$/.test(value.trim()) ? undefined : 'Paste the key from wandb.ai/authorize'),
  });
  if (!key) return;
  await services.hosts.setWandbKey(key);
  void vscode.window.showInformationMessage('Ctrl-World: the WandB key is stored; new runs can log online.');
}

export async function clearWandbKey(services: TrainingServices): Promise<void> {
  await services.hosts.setWandbKey(undefined);
  void vscode.window.showInformationMessage(
    'Ctrl-World: the WandB key is removed; new runs log offline unless you set one again.',
  );
}

export async function removeHost(services: TrainingServices, node: RunsNode | undefined): Promise<void> {
  if (node?.kind !== 'host') return;
  await services.hosts.forget(node.host.key);
  await services.model.refresh();
}
