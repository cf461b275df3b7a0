// "Encode Latents on GPU Host": uploads a converted dataset's metadata (and, if asked, its episodes) to the host,
// then runs the remote kit's encoder on the chosen GPUs with per-episode progress, cancel and a summary.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { CancelledError, describeError } from '../core/errors';
import { resolveRemotePath, type RemoteHost } from '../core/remote/remoteHost';
import { describeGpu, queryGpus } from '../core/remote/gpus';
import type { RunRegistry } from '../core/training/registry';
import type { TrainingHosts } from '../training/hosts';
import { encodeLatents, type EncodeResult } from '../core/convert/remoteEncode';
import { uploadFiles } from '../core/convert/upload';
import { MANIFEST_FILE } from '../core/convert';
import { readManifest } from '../core/convert/manifest';
import type { Settings } from '../settings';
import {
  findTrainingConfig,
  type ConvertedDataset,
  type ConvertedDatasets,
} from '../views/converted/convertedDatasets';
import type { ConvertedNode } from '../views/converted/convertedSection';
import { configPathOnHost, pickGpuHost } from './gpuHostQuestions';

interface Plan {
  /** As the user named it: the key of its registry and of the converted dataset it leaves there. */
  readonly alias: string;
  readonly host: RemoteHost;
  /** The host's registry: its folder holds the remote kit. */
  readonly registry: RunRegistry;
  readonly datasetDir: string;
  readonly metaDir: string;
  readonly episodesDir: string;
  /** Local episodes to upload (relative to `localEpisodes`), or none when they are on the host already. */
  readonly upload?: { readonly localEpisodes: string; readonly files: string[] };
  readonly svdPath: string;
  readonly gpus: number[];
}

export class EncodeLatentsCommand {
  constructor(
    private readonly settings: Settings,
    private readonly hosts: TrainingHosts,
    private readonly converted: ConvertedDatasets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(node?: ConvertedNode): Promise<void> {
    const dataset = node?.kind === 'convertedDataset' ? node.dataset : await this.pickDataset();
    if (!dataset?.report) return;
    let plan: Plan | undefined;
    try {
      plan = await this.plan(dataset);
    } catch (error) {
      void vscode.window
        .showErrorMessage(`Encode Latents: ${describeError(error)}`, 'Show Output')
        .then((choice) => choice && this.log.show(true));
      return;
    }
    if (plan) await this.encode(dataset, plan);
  }

  private async pickDataset(): Promise<ConvertedDataset | undefined> {
    // A dataset on a host has no local episodes or annotations to send.
    const items = this.converted.all
      .filter((dataset) => !dataset.location.host)
      .map((dataset) => ({
        label: dataset.location.name,
        description: path.join(dataset.location.root, dataset.location.name),
        dataset,
      }));
    if (items.length === 0) {
      void vscode.window
        .showInformationMessage('No converted dataset yet: run "Convert Dataset" first.', 'Convert Dataset')
        .then((choice) => choice && vscode.commands.executeCommand('ctrlWorld.convertDataset'));
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Encode Latents: converted dataset' }))?.dataset;
  }

  private async plan(dataset: ConvertedDataset): Promise<Plan | undefined> {
    const alias = await pickGpuHost(this.settings, this.hosts, { title: 'Encode Latents (1/4): GPU host' });
    if (!alias) return undefined;
    const registry = await this.hosts.registry(alias);
    const host = registry.host;
    const home = await host.home();
    const checkout = resolveRemotePath(this.hosts.folderFor(host.key), home);
    const config = await findTrainingConfig(this.log);
    const { location } = dataset;
    const rootOnHost = await vscode.window.showInputBox({
      title: 'Encode Latents (2/4): dataset root on the host',
      prompt: `dataset_root_path as train_wm sees it on ${alias} (relative paths: inside ${checkout})`,
      value: configPathOnHost(config, location.root, 'dataset_example/flexiv_data'),
      ignoreFocusOut: true,
    });
    if (!rootOnHost) return undefined;
    const datasetDir = resolveRemotePath(`${rootOnHost}/${location.name}`, home, checkout);
    const metaDir = resolveRemotePath(
      `${configPathOnHost(config, location.metaRoot, `${rootOnHost}_meta_info`)}/${location.name}`,
      home,
      checkout,
    );
    const source = await this.episodesOnHost(dataset, datasetDir, home, checkout);
    if (!source) return undefined;
    const svd = await vscode.window.showInputBox({
      title: 'Encode Latents (4/4): SVD folder on the host',
      prompt: 'stable-video-diffusion-img2vid (its vae/ is loaded), svd_model_path in the config',
      value: config?.data.svdModelPath ?? '/data/models/stable-video-diffusion-img2vid',
      ignoreFocusOut: true,
    });
    if (!svd) return undefined;
    const gpus = await this.pickGpus(host);
    if (!gpus) return undefined;
    return {
      alias,
      host,
      registry,
      datasetDir,
      metaDir,
      ...source,
      svdPath: resolveRemotePath(svd, home, checkout),
      gpus,
    };
  }

  private async episodesOnHost(
    dataset: ConvertedDataset,
    datasetDir: string,
    home: string,
    checkout: string,
  ): Promise<Pick<Plan, 'episodesDir' | 'upload'> | undefined> {
    const files = [
      ...new Set(
        dataset.report!.episodes.map((episode) => episode.source?.file).filter((file): file is string => Boolean(file)),
      ),
    ];
    const localEpisodes = await this.localEpisodesFolder(dataset);
    const uploadDir = `${datasetDir}_episodes`;
    const choice = await vscode.window.showQuickPick(
      [
        ...(localEpisodes
          ? [{ label: `Upload the ${files.length} episodes`, description: `to ${uploadDir}`, upload: true }]
          : []),
        { label: 'They are on the host already…', description: 'a folder there holding the same files', upload: false },
      ],
      { title: 'Encode Latents (3/4): the HDF5 episodes the encoder reads', ignoreFocusOut: true },
    );
    if (!choice) return undefined;
    if (choice.upload && localEpisodes) return { episodesDir: uploadDir, upload: { localEpisodes, files } };
    const folder = await vscode.window.showInputBox({
      title: 'Episodes on the host',
      prompt: `The folder holding ${files[0] ?? 'the episodes'} …`,
      ignoreFocusOut: true,
    });
    return folder ? { episodesDir: resolveRemotePath(folder, home, checkout) } : undefined;
  }

  /** Where the conversion read the episodes from, as its record says. */
  private async localEpisodesFolder(dataset: ConvertedDataset): Promise<string | undefined> {
    return (await readManifest(path.join(dataset.location.root, dataset.location.name)).catch(() => undefined))?.input;
  }

  private async pickGpus(host: RemoteHost): Promise<number[] | undefined> {
    const gpus = await queryGpus(host);
    const picked = await vscode.window.showQuickPick(
      gpus.map((gpu) => ({
        label: `GPU ${gpu.index}: ${gpu.name}`,
        description: describeGpu(gpu),
        picked: gpu.processes.length === 0,
        index: gpu.index,
      })),
      {
        title: 'Encode Latents: GPUs (one worker each)',
        canPickMany: true,
        ignoreFocusOut: true,
      },
    );
    if (!picked || picked.length === 0) return undefined;
    return picked.map((item) => item.index);
  }

  private async encode(dataset: ConvertedDataset, plan: Plan): Promise<void> {
    const { location } = dataset;
    const local = path.join(location.root, location.name);
    this.log.info(
      `Encoding latents of ${local} on ${plan.host.label}: ${plan.datasetDir}, episodes ${plan.episodesDir}, GPUs ${plan.gpus.join(',')}`,
    );
    let result: EncodeResult;
    try {
      result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Latents of ${location.name} on ${plan.host.label}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          progress.report({ message: 'uploading annotations and meta files' });
          await uploadFiles(plan.host, local, ['annotation', MANIFEST_FILE], plan.datasetDir, abort.signal);
          await uploadFiles(plan.host, path.join(location.metaRoot, location.name), ['.'], plan.metaDir, abort.signal);
          if (plan.upload) {
            progress.report({ message: `uploading ${plan.upload.files.length} episodes` });
            await uploadFiles(plan.host, plan.upload.localEpisodes, plan.upload.files, plan.episodesDir, abort.signal);
          }
          progress.report({ message: 'starting the encoder' });
          let last = 0;
          return encodeLatents(
            plan.host,
            await plan.registry.root(abort.signal),
            {
              datasetDir: plan.datasetDir,
              episodesDir: plan.episodesDir,
              svdPath: plan.svdPath,
              gpus: plan.gpus,
              envSetup: this.settings.remoteEnvSetup,
            },
            {
              signal: abort.signal,
              onEvent: (event) => {
                if (event.event === 'start')
                  progress.report({
                    message: `${event.todo} of ${event.episodes} episodes to encode on ${event.devices.join(', ')}`,
                  });
                if (event.event === 'episode') {
                  progress.report({
                    message: `${event.done}/${event.total}: episode ${event.id} ${event.status}`,
                    increment: ((event.done - last) / event.total) * 100,
                  });
                  last = event.done;
                  if (event.status === 'failed') this.log.warn(`Episode ${event.id} (${event.split}): ${event.reason}`);
                }
              },
            },
          );
        },
      );
    } catch (error) {
      if (error instanceof CancelledError) {
        void vscode.window.showInformationMessage(
          `Encoding stopped on ${plan.host.label}. Finished latents are kept; run it again to go on.`,
        );
        return;
      }
      this.log.error(`Encoding latents failed: ${describeError(error)}`);
      void vscode.window
        .showErrorMessage(`Encode Latents: ${describeError(error)}`, 'Show Output')
        .then((choice) => choice && this.log.show(true));
      return;
    }
    const message = `Latents of ${location.name} on ${plan.host.label}: ${result.encoded} episodes encoded, ${result.skipped} already done, ${result.failed} failed.`;
    this.log.info(message);
    // The dataset now on the host joins the Converted section, checked there as train_wm will read it.
    await this.converted.add({
      host: plan.alias,
      root: path.posix.dirname(plan.datasetDir),
      name: location.name,
      metaRoot: path.posix.dirname(plan.metaDir),
    });
    void (result.failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(
      message,
      'Show Output',
    ).then((choice) => choice && this.log.show(true));
  }
}
