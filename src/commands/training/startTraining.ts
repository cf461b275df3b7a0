// "Start Flexiv Training": host → Ctrl-World folder → config → GPUs (or, where sbatch exists, a SLURM job) → output
// folder → WandB → preflight checklist → launch. "Continue from Checkpoint" enters the same flow with host, folder,
// config and start weights given.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { parseConfig } from '../../core/config';
import { describeError } from '../../core/errors';
import { describeGpu, queryGpus } from '../../core/remote/gpus';
import { launchedAs, launchRun, type LaunchResult, type WandbChoice } from '../../core/training/launch';
import {
  launchBasics,
  runPreflight,
  type ConfigSource,
  type LaunchContext,
  type PreflightInput,
} from '../../core/training/preflight';
import type { RunRecord } from '../../core/training/runRecord';
import type { RunRegistry } from '../../core/training/registry';
import { hostLabelFor, LOCAL_KEY } from '../../training/hosts';
import type { TrainingServices } from '../../training/services';
import { askText, pickMany, pickOne } from '../../views/quickInput';
import { pickGpuHost } from '../gpuHostQuestions';
import { runPreflightChecklist } from './preflightPick';
import { askSlurmJob } from './slurmQuestions';
import { slurmTarget, type SlurmJobOptions } from '../../core/training/slurmTarget';
import { launchMultiNode, type Machine } from '../../core/training/multiNode';
import { runMultiNodePreflight } from '../../core/training/multiNodePreflight';
import { readSshHosts } from '../../core/remote/sshConfig';
import { listConfigModules } from '../../core/remote/scripts';

/** The hosts of a multi-node run (the first the main) and the main's address as the others reach it. */
interface MultiNodeChoice {
  readonly machines: (Machine & { readonly registry: RunRegistry })[];
  readonly mainAddress: string;
}

export interface TrainingSeed {
  readonly title?: string;
  readonly host?: string;
  readonly folder?: string;
  readonly config?: ConfigSource;
  readonly outputDir?: string;
  readonly ckptPath?: string;
  readonly continuedFrom?: RunRecord['continuedFrom'];
}

const STEPS = 6;

export async function startTraining(services: TrainingServices, seed: TrainingSeed = {}): Promise<void> {
  const title = seed.title ?? 'Start Flexiv Training';
  const host =
    seed.host ??
    (await pickGpuHost(services.settings, services.hosts, {
      title,
      step: 1,
      totalSteps: STEPS,
      placeholder: 'The GPU host to train on',
    }));
  if (!host) return;
  const folder =
    seed.folder ??
    (await askText({
      title,
      step: 2,
      totalSteps: STEPS,
      value: services.hosts.folderFor(host),
      prompt: `The Ctrl-World checkout on ${hostLabelFor(host)} (holds scripts/train_wm.py)`,
      validate: (value) => (value.trim() ? undefined : 'Enter a folder'),
    }));
  if (!folder) return;
  await services.hosts.rememberFolder(host, folder);
  const registry = await services.hosts.registry(host);
  const config = seed.config ?? (await pickConfig(services, host, folder, title));
  if (!config) return;
  const configText =
    config.kind === 'local'
      ? config.text
      : (
          await registry.host.exec([
            'cat',
            '--',
            await registry.host.resolve(config.path, await registry.host.resolve(folder)),
          ])
        ).stdout;
  const configured = parseConfig(configText).values.output_dir;
  const slurm = await askSlurmJob(services, host, title);
  if (slurm === undefined) return;
  // Several hosts, this one the main: only for a fresh run without a scheduler.
  const others = slurm || seed.host ? [] : await pickOtherHosts(services, host, title);
  if (!others) return;
  let multiNode: MultiNodeChoice | undefined;
  if (others.length > 0) {
    const mainAddress = await askMainAddress(host, title);
    if (mainAddress === undefined) return;
    const machines = await Promise.all(
      [host, ...others].map(async (key) => ({ host: key, registry: await services.hosts.registry(key) })),
    );
    multiNode = { machines, mainAddress };
  }
  // SLURM places the job's GPUs; the login node's own are not the run's.
  let gpus = slurm ? [] : await pickGpus(services, host, title);
  if (!gpus) return;
  let outputDir = await askText({
    title,
    step: 5,
    totalSteps: STEPS,
    value: seed.outputDir ?? (typeof configured === 'string' ? configured : 'model_ckpt/flexiv_finetune'),
    prompt:
      'Output folder for checkpoints and samples (relative to the checkout, or absolute); a new folder never overwrites a run',
    validate: (value) => (value.trim() ? undefined : 'Enter a folder'),
  });
  if (!outputDir) return;
  let wandb = await pickWandb(services, title);
  if (!wandb) return;
  let port = services.settings.mainProcessPort;
  while (true) {
    const chosen = { gpus, outputDir, wandb, port };
    const common: Omit<PreflightInput, 'registry'> = {
      workdir: folder,
      config,
      gpus: chosen.gpus,
      outputDir: chosen.outputDir,
      mainProcessPort: chosen.port,
      wandb: chosen.wandb.mode === 'online' ? 'online' : chosen.wandb.mode === 'offline' ? 'offline' : 'no-key',
      detach: services.settings.trainingDetach,
      envSetup: services.settings.remoteEnvSetup,
      environment: services.settings.trainingEnvironment,
      ckptPath: seed.ckptPath,
    };
    const place = multiNode ? multiNode.machines.map((m) => hostLabelFor(m.host)).join(', ') : hostLabelFor(host);
    const outcome = await runPreflightChecklist(`Preflight · ${place}`, (onCheck, signal) =>
      multiNode
        ? runMultiNodePreflight({ ...common, ...multiNode, onCheck, signal })
        : runPreflight({ ...common, registry, slurm: slurm ?? undefined, onCheck, signal }),
    );
    if (!outcome) return;
    if (outcome.kind === 'launch') {
      if (outcome.result.context && chosen.wandb.mode !== 'missing')
        await launch(services, host, outcome.result.context, {
          wandb: chosen.wandb,
          port,
          seed,
          slurm,
          multiNode,
        });
      return;
    }
    if (outcome.kind === 'again') continue;
    if (outcome.fix === 'new-output-folder') {
      const next = await askText({
        title,
        value: `${outputDir.replace(/\/+$/, '')}-${stamp()}`,
        prompt: 'A new output folder: earlier checkpoints stay untouched',
        validate: (value) => (value.trim() ? undefined : 'Enter a folder'),
      });
      if (next) outputDir = next;
    } else if (outcome.fix === 'pick-gpus') {
      gpus = (await pickGpus(services, host, title)) ?? gpus;
    } else if (outcome.fix === 'set-wandb-key') {
      wandb = (await pickWandb(services, title, true)) ?? wandb;
    } else if (outcome.fix === 'pick-port') {
      const text = await askText({
        title,
        value: String(port + 1),
        prompt: 'Main process port for this run (ctrlWorld.training.mainProcessPort sets the default)',
        validate: (value) => (/^\d+$/.test(value) && Number(value) < 65536 ? undefined : 'Enter a port number'),
      });
      if (text) port = Number(text);
    } else if (outcome.fix === 'open-config') {
      await openConfig(host, config, registry.host.label);
      return;
    } else if (outcome.fix === 'edit-env-setup') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'ctrlWorld.remote.envSetup');
      return;
    }
  }
}

type WandbPick = WandbChoice | { readonly mode: 'missing' };

async function launch(
  services: TrainingServices,
  host: string,
  context: LaunchContext,
  options: {
    wandb: WandbChoice;
    port: number;
    seed: TrainingSeed;
    slurm: SlurmJobOptions | null;
    multiNode?: MultiNodeChoice;
  },
): Promise<void> {
  const registry = await services.hosts.registry(host);
  try {
    const launched = await vscode.window.withProgress<LaunchResult>(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Starting training on ${hostLabelFor(host)}…`,
        cancellable: true,
      },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const request = {
          ...launchBasics(context),
          mainProcessPort: options.port,
          wandb: options.wandb,
          detach: services.settings.trainingDetach,
          envSetup: services.settings.remoteEnvSetup,
          ckptPath: options.seed.ckptPath,
          continuedFrom: options.seed.continuedFrom,
        };
        if (!options.multiNode)
          return launchRun(
            registry,
            { ...request, target: options.slurm ? slurmTarget(options.slurm) : undefined },
            controller.signal,
          );
        // Watched from the runs list once it shows the run (MultiNodeWatchers), as after a window reload.
        const multiNode = options.multiNode;
        return launchMultiNode(multiNode.machines, multiNode.mainAddress, request, controller.signal).then(
          (run) => run.machines[0].launched,
        );
      },
    );
    services.log.info(
      `Started run ${launched.runId} on ${hostLabelFor(host)} (${launchedAs(launched)}, output ${launched.outputDir}).`,
    );
    await services.hosts.remember(host);
    services.following.launchedHere(launched.runId);
    await services.following.follow(host, launched.runId, true);
    void services.model.refresh(host);
    void vscode.window.showInformationMessage(
      `Ctrl-World: training started on ${hostLabelFor(host)} (run ${launched.runId}). It keeps running if VS Code closes or the network drops.`,
    );
  } catch (error) {
    services.log.error(`Starting training on ${hostLabelFor(host)} failed: ${describeError(error)}`);
    const choice = await vscode.window.showErrorMessage(
      `Ctrl-World: training did not start. ${describeError(error)}`,
      'Show Output',
    );
    if (choice) services.log.show();
  }
}

/**
 * "Several hosts (multi-node)": the other hosts of the run, this one being the main; [] for one host. Not asked where
 * there is no other host to add (this machine, or a single known host), so one-host users never see it.
 */
async function pickOtherHosts(services: TrainingServices, main: string, title: string): Promise<string[] | undefined> {
  if (main === LOCAL_KEY) return [];
  const fromConfig = await readSshHosts(services.settings.sshConfigFile).catch(() => []);
  const candidates = [...new Set([...services.hosts.known(), ...fromConfig.map((h) => h.alias)])].filter(
    (key) => key !== main && key !== LOCAL_KEY,
  );
  if (candidates.length === 0) return [];
  const choice = await pickOne(
    [
      { label: `$(server) ${hostLabelFor(main)} only`, several: false },
      { label: '$(server-environment) Several hosts (multi-node)', description: 'this one is the main', several: true },
    ],
    { title, placeholder: 'Train on one host, or on several with accelerate over SSH' },
  );
  if (!choice) return undefined;
  if (!choice.several) return [];
  const picked = await pickMany(
    candidates.map((key) => ({ label: hostLabelFor(key), key })),
    { title, placeholder: `The other hosts; each runs as many processes as ${hostLabelFor(main)}` },
  );
  return picked && picked.length > 0 ? picked.map((item) => item.key) : undefined;
}

async function askMainAddress(main: string, title: string): Promise<string | undefined> {
  return askText({
    title,
    value: main.replace(/^.*@/, ''),
    prompt: `The address of ${hostLabelFor(main)} the other hosts reach (accelerate's --main_process_ip)`,
    validate: (value) => (/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(value) ? undefined : 'Enter a host name or IP address'),
  });
}

async function pickConfig(
  services: TrainingServices,
  host: string,
  folder: string,
  title: string,
): Promise<ConfigSource | undefined> {
  const registry = await services.hosts.registry(host);
  const found = (async () => {
    const dir = await registry.host.resolve(folder);
    const result = await registry.host.exec(listConfigModules(dir));
    const names = result.stdout
      .split('\n')
      .filter(Boolean)
      .sort((a, b) => Number(b === 'config_flexiv.py') - Number(a === 'config_flexiv.py'));
    // Say why the list is empty instead of showing only the local-file choice.
    const none =
      names.length === 0
        ? [
            {
              label: `No config*.py in ${dir} on ${hostLabelFor(host)}`,
              kind: vscode.QuickPickItemKind.Separator,
              name: undefined as string | undefined,
            },
          ]
        : [];
    return [
      ...none,
      ...names.map((name) => ({
        label: `$(file-code) ${name}`,
        description: name === 'config_flexiv.py' ? 'the Flexiv config' : undefined,
        name,
      })),
      {
        label: '$(folder-opened) Use a local file…',
        description: 'copied into the run folder as its snapshot',
        name: undefined as string | undefined,
      },
    ];
  })();
  const picked = await pickOne(found, {
    title,
    step: 3,
    totalSteps: STEPS,
    placeholder: `The training config (config*.py in ${folder})`,
  });
  if (!picked) return undefined;
  if (picked.name) return { kind: 'host', path: picked.name };
  const [uri] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Python config': ['py'] },
      title: 'Training config (config_flexiv.py)',
    })) ?? [];
  return uri ? { kind: 'local', path: uri.fsPath, text: await readFile(uri.fsPath, 'utf8') } : undefined;
}

async function pickGpus(services: TrainingServices, host: string, title: string): Promise<number[] | undefined> {
  const registry = await services.hosts.registry(host);
  const items = queryGpus(registry.host).then((gpus) =>
    gpus.map((gpu) => ({
      label: `GPU ${gpu.index}`,
      description: `${gpu.name} · ${describeGpu(gpu)}`,
      detail: gpu.processes.length
        ? gpu.processes
            .map(
              (p) => `pid ${p.pid} ${p.name}${p.usedMemoryMiB ? ` (${(p.usedMemoryMiB / 1024).toFixed(1)} GiB)` : ''}`,
            )
            .join(', ')
        : undefined,
      picked: gpu.processes.length === 0,
      index: gpu.index,
    })),
  );
  try {
    const picked = await pickMany(items, {
      title,
      step: 4,
      totalSteps: STEPS,
      placeholder: 'GPUs for this run (free ones are selected); one training process each',
    });
    return picked?.map((item) => item.index);
  } catch (error) {
    void vscode.window.showErrorMessage(`Ctrl-World: ${describeError(error)}`);
    return undefined;
  }
}

async function pickWandb(services: TrainingServices, title: string, askKey = false): Promise<WandbPick | undefined> {
  let key = await services.hosts.wandbKey();
  if (askKey && !key) {
    key = await vscode.window.showInputBox({
      title: 'WandB API key',
      prompt: "Stored in VS Code's secret storage; passed only to the training process's environment",
      password: true,
      ignoreFocusOut: true,
    });
    if (key) await services.hosts.setWandbKey(key.trim());
  }
  const rows = [
    ...(key
      ? [
          {
            label: '$(cloud) Log to WandB',
            description: 'with the stored key',
            choice: { mode: 'online', apiKey: key } as WandbPick,
          },
        ]
      : []),
    {
      label: '$(circle-slash) Offline',
      description: 'WANDB_MODE=offline; sync later with "wandb sync"',
      choice: { mode: 'offline' } as WandbPick,
    },
    ...(key
      ? []
      : [
          {
            label: '$(key) Set a WandB key…',
            description: 'then log online',
            choice: { mode: 'missing' } as WandbPick,
          },
        ]),
  ];
  const picked = await pickOne(rows, { title, step: 6, totalSteps: STEPS, placeholder: 'WandB logging' });
  if (picked?.choice.mode === 'missing') return pickWandb(services, title, true);
  return picked?.choice;
}

async function openConfig(host: string, config: ConfigSource, label: string): Promise<void> {
  if (config.kind === 'local' || host === LOCAL_KEY) {
    const file = config.kind === 'local' ? config.path : undefined;
    if (file) await vscode.window.showTextDocument(vscode.Uri.file(file));
    else await vscode.commands.executeCommand('ctrlWorld.openConfig');
    return;
  }
  await vscode.window.showInformationMessage(
    `Ctrl-World: edit ${config.path} on ${label} (for example with the config editor in a Remote-SSH window), then start training again.`,
  );
}

function stamp(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
}
