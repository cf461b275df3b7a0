// Validation-video quality on this machine: each video comes through the sample library (fetched into the local
// cache), is scored on a worker thread with the local ffmpeg, and its scores are kept beside the sample cache, so a
// video is measured once, whichever dashboard asks.
import * as vscode from 'vscode';
import { QualityCache } from '../core/quality/qualityCache';
import { QualityThread } from '../core/quality/qualityThread';
import type { QualityLayout, SampleQuality } from '../core/quality/sampleQuality';
import type { SampleFile } from '../core/training/outputs';
import type { Settings } from '../settings';
import { sampleSource, type SampleLibrary } from './sampleLibrary';

export class QualityLibrary implements vscode.Disposable {
  private readonly cache: QualityCache;
  private readonly thread = new QualityThread();

  constructor(
    private readonly samples: SampleLibrary,
    private readonly settings: Settings,
    storage: vscode.Uri,
  ) {
    this.cache = new QualityCache(vscode.Uri.joinPath(storage, 'quality').fsPath);
  }

  /** The scores of this version of the video, if it was measured with these tiles before. */
  cached(host: string, sample: SampleFile, layout: QualityLayout): Promise<SampleQuality | undefined> {
    return this.cache.lookup(sampleSource(host, sample), layout);
  }

  /** The scores, measured first when needed (the video fetched from its host if it is not cached). */
  measure(host: string, sample: SampleFile, layout: QualityLayout, signal?: AbortSignal): Promise<SampleQuality> {
    return this.cache.get(sampleSource(host, sample), layout, async () => {
      const file = await this.samples.fetch(host, sample, undefined, signal);
      return this.thread.measure(file.fsPath, layout, { ffmpeg: this.settings.ffmpegPath }, signal);
    });
  }

  dispose(): void {
    this.thread.dispose();
  }
}
