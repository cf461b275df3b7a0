// "Check Converted Data on GPU Host…": a dataset converted (or encoded) on the GPU host joins the Converted section
// and is checked there, as train_wm will read it, with the training config's paths as the defaults.
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { resolveRemotePath } from '../core/remote/remoteHost';
import type { TrainingHosts } from '../training/hosts';
import type { Settings } from '../settings';
import {
  findTrainingConfig,
  sameLocation,
  type ConvertedDatasets,
  type ConvertedLocation,
} from '../views/converted/convertedDatasets';
import { configPathOnHost, pickGpuHost } from './gpuHostQuestions';

export class HostConvertedDatasetCommand {
  constructor(
    private readonly settings: Settings,
    private readonly hosts: TrainingHosts,
    private readonly converted: ConvertedDatasets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(): Promise<void> {
    const title = 'Check Converted Data on GPU Host';
    const alias = await pickGpuHost(this.settings, this.hosts, { title: `${title} (1/4): GPU host` });
    if (!alias) return;
    let home: string;
    try {
      home = await (await this.hosts.registry(alias)).host.home();
    } catch (error) {
      void vscode.window
        .showErrorMessage(`${title}: ${describeError(error)}`, 'Show Output')
        .then((choice) => choice && this.log.show(true));
      return;
    }
    const checkout = resolveRemotePath(this.hosts.folderFor(alias), home);
    const config = await findTrainingConfig(this.log);
    const ask = (step: string, prompt: string, value: string) =>
      vscode.window.showInputBox({
        title: `${title} (${step})`,
        prompt,
        value,
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : 'Enter a path or name'),
      });
    const root = await ask(
      '2/4',
      `dataset_root_path on ${alias} (relative paths: inside ${checkout})`,
      configPathOnHost(config, config?.data.root, 'dataset_example/flexiv_data'),
    );
    if (!root) return;
    const name = await ask('3/4', 'The dataset name (one of dataset_names)', config?.data.names[0] ?? 'flexiv_1113');
    if (!name) return;
    const metaRoot = await ask(
      '4/4',
      `dataset_meta_info_path on ${alias}`,
      configPathOnHost(config, config?.data.metaRoot, `${root.trim()}_meta_info`),
    );
    if (!metaRoot) return;
    const location: ConvertedLocation = {
      host: alias,
      root: resolveRemotePath(root, home, checkout),
      name: name.trim(),
      metaRoot: resolveRemotePath(metaRoot, home, checkout),
    };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${location.name} on ${alias}…` },
      () => this.converted.add(location),
    );
    const dataset = this.converted.all.find((entry) => sameLocation(entry.location, location));
    if (dataset?.error) {
      void vscode.window
        .showErrorMessage(`${location.name} on ${alias} could not be checked: ${dataset.error}`, 'Show Output')
        .then((choice) => choice && this.log.show(true));
    } else if (dataset?.report?.layout === 'missing') {
      void vscode.window.showWarningMessage(
        `${location.root}/${location.name} on ${alias} holds no converted dataset: see the Problems panel.`,
      );
    }
  }
}
