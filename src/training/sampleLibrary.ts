// Validation videos on this machine: fetched from their host into the size-limited cache in global storage with
// progress, converted with the local ffmpeg when a webview could not play them.
import * as vscode from 'vscode';
import { rm } from 'node:fs/promises';
import { SampleCache, type CachedSource } from '../core/media/sampleCache';
import { ensurePlayable, transcodeForWebview } from '../core/media/playable';
import { download } from '../core/remote/transfer';
import type { SampleFile } from '../core/training/outputs';
import type { Settings } from '../settings';
import type { TrainingHosts } from './hosts';

/** A sample as the caches know it: where it comes from and its version. */
export function sampleSource(host: string, sample: SampleFile): CachedSource {
  return { hostKey: host, remotePath: sample.path, size: sample.size, mtimeMs: sample.mtimeMs };
}

export class SampleLibrary implements vscode.Disposable {
  private readonly cache: SampleCache;
  private readonly subscription: vscode.Disposable;
  /** The folder webviews must be allowed to load videos from. */
  readonly cacheUri: vscode.Uri;

  constructor(
    private readonly hosts: TrainingHosts,
    private readonly settings: Settings,
    storage: vscode.Uri,
  ) {
    this.cacheUri = vscode.Uri.joinPath(storage, 'samples');
    this.cache = new SampleCache(this.cacheUri.fsPath, settings.sampleCacheBytes);
    this.subscription = settings.onDidChange(() => {
      this.cache.setLimit(settings.sampleCacheBytes);
      void this.cache.evict();
    });
  }

  /** The cached copy, if there is one (marked as just watched). */
  cached(host: string, sample: SampleFile): Promise<vscode.Uri | undefined> {
    return this.cache.lookup(sampleSource(host, sample)).then((file) => (file ? vscode.Uri.file(file) : undefined));
  }

  /** The local copy, fetched first when needed; `onProgress` gets 0..1. */
  async fetch(
    host: string,
    sample: SampleFile,
    onProgress?: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<vscode.Uri> {
    const registry = await this.hosts.registry(host);
    const tools = { ffmpeg: this.settings.ffmpegPath };
    const file = await this.cache.get(
      sampleSource(host, sample),
      async (destination) => {
        await download(registry.host, sample.path, destination, {
          method: this.settings.transferMethod,
          signal,
          onProgress: (progress) => onProgress?.(progress.total > 0 ? progress.bytes / progress.total : 0),
        });
      },
      async (incoming) => {
        await ensurePlayable(incoming, tools, signal);
      },
    );
    return vscode.Uri.file(file);
  }

  /** Converts a cached video a webview failed to play (when ffprobe was not there to see it coming). */
  async convert(file: vscode.Uri): Promise<void> {
    await transcodeForWebview(file.fsPath, { ffmpeg: this.settings.ffmpegPath });
  }

  async clear(): Promise<void> {
    await rm(this.cacheUri.fsPath, { recursive: true, force: true });
  }

  usage(): Promise<{ bytes: number; files: number }> {
    return this.cache.usage();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
