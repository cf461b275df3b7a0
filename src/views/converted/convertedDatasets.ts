// The converted datasets the editor knows (converted here, named by the workspace's training config, or on a GPU
// host), their latest check, and its problems in the Problems panel. Files changing under a local dataset re-run its
// check; a dataset on a host is read again on "Check Converted Data".
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Disposable } from '../../core/lifecycle';
import { describeError } from '../../core/errors';
import { parseConfig } from '../../core/config';
import { cfgFor, configData, type ConfigData } from '../../core/convert';
import { checkConverted, type ConvertedReport } from '../../core/convert/check';
import { LOCAL_FILES, type ConvertedFiles } from '../../core/convert/check/files';
import { remoteFileUri } from '../remoteFiles';

/** Where a converted dataset lives, as train_wm would be told: root, name, meta root (and its cfg). */
export interface ConvertedLocation {
  /** The GPU host (SSH alias or user@host) the dataset is on; absent on this machine. Paths are the host's. */
  readonly host?: string;
  readonly root: string;
  readonly name: string;
  readonly metaRoot: string;
}

export interface ConvertedDataset {
  readonly location: ConvertedLocation;
  /** The training config the checks compare with, when the workspace has one. */
  readonly config?: { readonly file: string; readonly data: ConfigData };
  readonly report?: ConvertedReport;
  readonly error?: string;
  /** The files the check read: this machine's, or the host's snapshot (the state curves read them too). */
  readonly files?: ConvertedFiles;
}

/** Reads a dataset on a GPU host for the check (remote-kit/converted_snapshot.py through the host's runner). */
export type HostFilesReader = (
  location: ConvertedLocation & { readonly host: string },
  cfg: string,
) => Promise<ConvertedFiles>;

const STATE_KEY = 'ctrlWorld.convertedDatasets';
const RECHECK_DELAY_MS = 600;

export class ConvertedDatasets extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('ctrlWorld.converted'));
  private datasets: ConvertedDataset[] = [];
  private watchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly hostFiles: HostFilesReader,
  ) {
    super();
    this.register({ dispose: () => this.clearWatchers() });
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  get all(): readonly ConvertedDataset[] {
    return this.datasets;
  }

  /** Remembers a dataset (after a conversion) and checks everything again. */
  async add(location: ConvertedLocation): Promise<void> {
    const known = this.remembered().filter((entry) => !sameLocation(entry, location));
    await this.memento.update(STATE_KEY, [location, ...known]);
    await this.refresh();
  }

  async forget(location: ConvertedLocation): Promise<void> {
    await this.memento.update(
      STATE_KEY,
      this.remembered().filter((entry) => !sameLocation(entry, location)),
    );
    await this.refresh();
  }

  /** Finds the datasets, checks each against the training config, and publishes the problems. */
  /**
   * `rereadHosts` false (a local file changed) keeps the last reading of the datasets on hosts: a local change says
   * nothing about them, and an unreachable host would hold up the local check.
   */
  async refresh(rereadHosts = true): Promise<void> {
    const generation = ++this.generation;
    const config = await findTrainingConfig(this.log);
    const locations = [...this.remembered()];
    if (config) {
      for (const name of config.data.names) {
        const location = { root: config.data.root, name, metaRoot: config.data.metaRoot };
        if (!locations.some((entry) => sameLocation(entry, location))) locations.push(location);
      }
    }
    const previous = (location: ConvertedLocation) =>
      location.host && !rereadHosts
        ? this.datasets.find((dataset) => sameLocation(dataset.location, location))
        : undefined;
    const checked = await Promise.all(locations.map((location) => previous(location) ?? this.check(location, config)));
    if (generation !== this.generation) return;
    // A dataset the config names but nobody converted yet is not shown: the Convert Dataset command creates it.
    this.datasets = checked.filter(
      (dataset) =>
        dataset.report?.layout !== 'missing' ||
        this.remembered().some((entry) => sameLocation(entry, dataset.location)),
    );
    this.publishDiagnostics();
    this.watch();
    this.changed.fire();
  }

  /** The files of the checked dataset holding `file` on `host` (undefined: this machine), if it was read. */
  filesFor(host: string | undefined, file: string): ConvertedFiles | undefined {
    if (!host) return LOCAL_FILES;
    return this.datasets.find(({ location }) => location.host === host && file.startsWith(`${location.root}/`))?.files;
  }

  private async check(location: ConvertedLocation, config: ConvertedDataset['config']): Promise<ConvertedDataset> {
    // The config's paths are the host's when it trains there: a dataset on a host is compared with it by name.
    const matches =
      config &&
      (location.host
        ? config.data.names.includes(location.name)
        : path.resolve(config.data.root) === path.resolve(location.root))
        ? config
        : undefined;
    const data = matches?.data;
    const cfg = data ? (cfgFor(data, location.name) ?? location.name) : location.name;
    try {
      const { host } = location;
      const files = host ? await this.hostFiles({ ...location, host }, cfg) : LOCAL_FILES;
      const report = await checkConverted({
        files,
        root: location.root,
        name: location.name,
        metaRoot: location.metaRoot,
        cfg,
        numFrames: data?.numFrames ?? 5,
        videoNum: data?.videoNum,
        downSample: data?.downSample,
        width: data?.width,
        height: data?.height,
      });
      return { location, config: matches, report, files };
    } catch (error) {
      this.log.error(
        `Checking ${location.root}/${location.name}${location.host ? ` on ${location.host}` : ''} failed: ${describeError(error)}`,
      );
      return { location, config: matches, error: describeError(error) };
    }
  }

  private publishDiagnostics(): void {
    this.diagnostics.clear();
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const dataset of this.datasets) {
      const { host } = dataset.location;
      for (const problem of dataset.report?.problems ?? []) {
        const file = problem.file ?? path.join(dataset.location.root, dataset.location.name);
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(0, 0, 0, 0),
          problem.message,
          problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.source = `Ctrl-World (${dataset.location.name}${host ? ` on ${host}` : ''})`;
        diagnostic.code = problem.code;
        // A host's file opens read-only from the host.
        const uri = host ? remoteFileUri(host, file) : vscode.Uri.file(file);
        const entry = byFile.get(uri.toString()) ?? { uri, list: [] };
        entry.list.push(diagnostic);
        byFile.set(uri.toString(), entry);
      }
    }
    for (const { uri, list } of byFile.values()) this.diagnostics.set(uri, list);
  }

  private watch(): void {
    this.clearWatchers();
    const local = this.datasets.filter(({ location }) => !location.host);
    const folders = new Set(
      local.flatMap(({ location }) => [path.join(location.root, location.name), path.join(location.metaRoot)]),
    );
    for (const folder of folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(folder), '**/*.{json,pt}'),
      );
      const recheck = () => this.scheduleRefresh();
      this.watchers.push(
        watcher,
        watcher.onDidChange(recheck),
        watcher.onDidCreate(recheck),
        watcher.onDidDelete(recheck),
      );
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(false), RECHECK_DELAY_MS);
  }

  private clearWatchers(): void {
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }

  private remembered(): ConvertedLocation[] {
    return this.memento.get<ConvertedLocation[]>(STATE_KEY, []);
  }
}

export function sameLocation(a: ConvertedLocation, b: ConvertedLocation): boolean {
  if (a.host !== b.host) return false;
  const same = (x: string, y: string) =>
    a.host ? path.posix.normalize(x) === path.posix.normalize(y) : path.resolve(x) === path.resolve(y);
  return same(a.root, b.root) && a.name === b.name && same(a.metaRoot, b.metaRoot);
}

/**
 * The workspace's training config: config_flexiv.py first, else another config*.py with `class wm_args`. Its
 * relative paths resolve against its folder (train_wm runs in the Ctrl-World checkout).
 */
export async function findTrainingConfig(log?: vscode.LogOutputChannel): Promise<ConvertedDataset['config']> {
  const files = await vscode.workspace.findFiles('**/config*.py', '**/{node_modules,.git}/**', 50);
  files.sort(
    (a, b) =>
      Number(path.basename(b.fsPath) === 'config_flexiv.py') - Number(path.basename(a.fsPath) === 'config_flexiv.py'),
  );
  for (const uri of files) {
    try {
      const text = await readFile(uri.fsPath, 'utf8');
      if (!/class\s+wm_args/.test(text)) continue;
      return { file: uri.fsPath, data: configData(parseConfig(text).values, path.dirname(uri.fsPath)) };
    } catch (error) {
      log?.warn(`Could not read ${uri.fsPath}: ${describeError(error)}`);
    }
  }
  return undefined;
}
