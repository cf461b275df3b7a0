// The GPU hosts the extension talks to: one runner (one multiplexed connection per host), a run registry per host,
// and what is remembered about hosts across reloads (used hosts, the Ctrl-World folder and SLURM job per host, the
// followed run).
import * as vscode from 'vscode';
import { CommandRunner, LOCAL_HOST, sshHost, type HostTarget } from '../core/remote/runner';
import { RemoteHost } from '../core/remote/remoteHost';
import { defaultControlDir, ensurePrivateDir } from '../core/remote/controlDir';
import { RunRegistry } from '../core/training/registry';
import type { Settings } from '../settings';
import type { SlurmJobOptions } from '../core/training/slurmTarget';
import { machinesOf, type MachineRun } from '../core/training/multiNode';
import type { RunRecord } from '../core/training/runRecord';

/** "local" is this machine; anything else is an SSH host (alias or user@host). */
export const LOCAL_KEY = 'local';
const HOSTS_KEY = 'ctrlWorld.runs.hosts';
const FOLDERS_KEY = 'ctrlWorld.runs.folders';
const FOLLOWED_KEY = 'ctrlWorld.runs.followed';
const SLURM_JOBS_KEY = 'ctrlWorld.runs.slurmJobs';
const WANDB_SECRET = 'ctrlWorld.wandbApiKey';

export interface FollowedRun {
  readonly host: string;
  readonly runId: string;
}

export function targetFor(key: string): HostTarget {
  return key === LOCAL_KEY ? LOCAL_HOST : sshHost(key);
}

export function hostLabelFor(key: string): string {
  return key === LOCAL_KEY ? 'This machine' : key;
}

export class TrainingHosts implements vscode.Disposable {
  private runnerPromise?: Promise<CommandRunner>;
  private readonly registries = new Map<string, RunRegistry>();
  private readonly subscription: vscode.Disposable;
  /** The SSH config file the current runner was made with; null before the first runner. */
  private runnerConfigFile: string | undefined | null = null;

  constructor(
    private readonly settings: Settings,
    private readonly state: vscode.Memento,
    readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A new SSH config file, registry folder or environment setup means new connections and registries.
    this.subscription = settings.onDidChange(() => {
      this.runnerPromise = undefined;
      this.registries.clear();
    });
  }

  /**
   * After a window reload the user's settings may come late (code-server reads them over its remote connection) with
   * no change event after: a runner made before would lack the SSH config for good. The file is compared on every use.
   */
  private dropStaleRunner(): void {
    const sshConfigFile = this.settings.sshConfigFile;
    if (sshConfigFile === this.runnerConfigFile) return;
    this.runnerPromise = undefined;
    this.registries.clear();
    this.runnerConfigFile = sshConfigFile;
    // Said once per change: which SSH config the connections use is the first thing to check when a host fails.
    this.log.info(
      `SSH connections use ${sshConfigFile ? `the config file ${sshConfigFile}` : 'the default SSH config'}.`,
    );
  }

  private runner(): Promise<CommandRunner> {
    this.dropStaleRunner();
    const sshConfigFile = this.runnerConfigFile ?? undefined;
    this.runnerPromise ??= ensurePrivateDir(defaultControlDir()).then(
      (controlDir) => new CommandRunner({ sshConfigFile, controlDir }),
    );
    this.runnerPromise.catch(() => {
      this.runnerPromise = undefined;
    });
    return this.runnerPromise;
  }

  async registry(key: string): Promise<RunRegistry> {
    this.dropStaleRunner();
    const existing = this.registries.get(key);
    if (existing) return existing;
    const host = new RemoteHost(await this.runner(), targetFor(key), this.settings.remoteEnvSetup);
    const registry = new RunRegistry(host, this.settings.remoteRegistryFolder);
    this.registries.set(key, registry);
    return registry;
  }

  /** Each machine of a multi-node run with its host's registry, each reached over that host's own connection. */
  async machineRuns(record: Pick<RunRecord, 'multiNode'>): Promise<MachineRun[]> {
    const hosts = [...new Set((record.multiNode?.machines ?? []).map((machine) => machine.host))];
    const registries = new Map(await Promise.all(hosts.map(async (key) => [key, await this.registry(key)] as const)));
    return machinesOf(record, (key) => registries.get(key)!);
  }

  /** Hosts shown in the Runs view: the ones used, most recent first, and the default host. */
  known(): string[] {
    const used = this.state.get<string[]>(HOSTS_KEY, []);
    const preferred = this.settings.defaultSshHost;
    return preferred && !used.includes(preferred) ? [...used, preferred] : used;
  }

  async remember(key: string): Promise<void> {
    await this.state.update(HOSTS_KEY, [
      key,
      ...this.state.get<string[]>(HOSTS_KEY, []).filter((item) => item !== key),
    ]);
  }

  async forget(key: string): Promise<void> {
    await this.state.update(
      HOSTS_KEY,
      this.state.get<string[]>(HOSTS_KEY, []).filter((item) => item !== key),
    );
  }

  folderFor(key: string): string {
    return this.state.get<Record<string, string>>(FOLDERS_KEY, {})[key] ?? this.settings.remoteCtrlWorldFolder;
  }

  async rememberFolder(key: string, folder: string): Promise<void> {
    await this.state.update(FOLDERS_KEY, { ...this.state.get<Record<string, string>>(FOLDERS_KEY, {}), [key]: folder });
  }

  /** The SLURM job last set up for this host (partition, nodes, GPUs, time, account, QoS), offered again. */
  slurmJobFor(key: string): SlurmJobOptions | undefined {
    return this.state.get<Record<string, SlurmJobOptions>>(SLURM_JOBS_KEY, {})[key];
  }

  async rememberSlurmJob(key: string, job: SlurmJobOptions): Promise<void> {
    const jobs = this.state.get<Record<string, SlurmJobOptions>>(SLURM_JOBS_KEY, {});
    await this.state.update(SLURM_JOBS_KEY, { ...jobs, [key]: job });
  }

  get followed(): FollowedRun | undefined {
    return this.state.get<FollowedRun>(FOLLOWED_KEY);
  }

  async setFollowed(run: FollowedRun | undefined): Promise<void> {
    await this.state.update(FOLLOWED_KEY, run);
  }

  wandbKey(): Thenable<string | undefined> {
    return this.secrets.get(WANDB_SECRET);
  }

  async setWandbKey(key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(WANDB_SECRET, key);
    else await this.secrets.delete(WANDB_SECRET);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
