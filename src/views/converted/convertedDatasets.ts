// The converted datasets the editor knows (converted here, or named by the workspace's training config), their
// latest check, and its problems in the Problems panel. Files changing under a dataset re-run its check.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Disposable } from '../../core/lifecycle';
import { describeError } from '../../core/errors';
import { parseConfig } from '../../core/config';
import { cfgFor, configData, type ConfigData } from '../../core/convert';
import { checkConverted, type ConvertedReport } from '../../core/convert/check';

/** Where a converted dataset lives, as train_wm would be told: root, name, meta root (and its cfg). */
export interface ConvertedLocation {
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
}

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

  constructor(private readonly memento: vscode.Memento, private readonly log: vscode.LogOutputChannel) {
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
    await this.memento.update(STATE_KEY, this.remembered().filter((entry) => !sameLocation(entry, location)));
    await this.refresh();
  }

  /** Finds the datasets, checks each against the training config, and publishes the problems. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const config = await findTrainingConfig(this.log);
    const locations = [...this.remembered()];
    if (config) {
      for (const name of config.data.names) {
        const location = { root: config.data.root, name, metaRoot: config.data.metaRoot };
        if (!locations.some((entry) => sameLocation(entry, location))) locations.push(location);
      }
    }
    const checked = await Promise.all(locations.map((location) => this.check(location, config)));
    if (generation !== this.generation) return;
    // A dataset the config names but nobody converted yet is not shown: the Convert Dataset command creates it.
    this.datasets = checked.filter((dataset) => dataset.report?.layout !== 'missing' || this.remembered().some((entry) => sameLocation(entry, dataset.location)));
    this.publishDiagnostics();
    this.watch();
    this.changed.fire();
  }

  private async check(location: ConvertedLocation, config: ConvertedDataset['config']): Promise<ConvertedDataset> {
    const matches = config && path.resolve(config.data.root) === path.resolve(location.root) ? config : undefined;
    const data = matches?.data;
    try {
      const report = await checkConverted({
        root: location.root,
        name: location.name,
        metaRoot: location.metaRoot,
        cfg: data ? cfgFor(data, location.name) ?? location.name : location.name,
        numFrames: data?.numFrames ?? 5,
        videoNum: data?.videoNum,
        downSample: data?.downSample,
        width: data?.width,
        height: data?.height,
      });
      return { location, config: matches, report };
    } catch (error) {
      this.log.error(`Checking ${location.root}/${location.name} failed: ${describeError(error)}`);
      return { location, config: matches, error: describeError(error) };
    }
  }

  private publishDiagnostics(): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const dataset of this.datasets) {
      for (const problem of dataset.report?.problems ?? []) {
        const file = problem.file ?? path.join(dataset.location.root, dataset.location.name);
        const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), problem.message,
          problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.source = `Ctrl-World (${dataset.location.name})`;
        diagnostic.code = problem.code;
        byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
      }
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  private watch(): void {
    this.clearWatchers();
    const folders = new Set(this.datasets.flatMap(({ location }) => [path.join(location.root, location.name), path.join(location.metaRoot)]));
    for (const folder of folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '**/*.{json,pt}'));
      const recheck = () => this.scheduleRefresh();
      this.watchers.push(watcher, watcher.onDidChange(recheck), watcher.onDidCreate(recheck), watcher.onDidDelete(recheck));
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), RECHECK_DELAY_MS);
  }

  private clearWatchers(): void {
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }

  private remembered(): ConvertedLocation[] {
    return this.memento.get<ConvertedLocation[]>(STATE_KEY, []);
  }
}

export function sameLocation(a: ConvertedLocation, b: ConvertedLocation): boolean {
  return path.resolve(a.root) === path.resolve(b.root) && a.name === b.name && path.resolve(a.metaRoot) === path.resolve(b.metaRoot);
}

/**
 * The workspace's training config: config_flexiv.py first, else another config*.py with `class wm_args`. Its
 * relative paths resolve against its folder (train_wm runs in the Ctrl-World checkout).
 */
export async function findTrainingConfig(log?: vscode.LogOutputChannel): Promise<ConvertedDataset['config']> {
  const files = await vscode.workspace.findFiles('**/config*.py', '**/{node_modules,.git}/**', 50);
  files.sort((a, b) => Number(path.basename(b.fsPath) === 'config_flexiv.py') - Number(path.basename(a.fsPath) === 'config_flexiv.py'));
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
