// Validation-video quality on this machine: each video comes through the sample library (fetched into the local
// cache), is scored on a worker thread with the local ffmpeg, and its scores are kept beside the sample cache, so a
// video is measured once, whichever dashboard asks. Views that show quality without measuring (the Runs view's
// checkpoints) read the scores known and hear when a new one is stored.
import * as vscode from 'vscode';
import { QualityCache } from '../core/quality/qualityCache';
import { QualityThread } from '../core/quality/qualityThread';
import { knownCheckpointQualities, type CheckpointQuality } from '../core/quality/runQuality';
import type { QualityLayout, SampleQuality } from '../core/quality/sampleQuality';
import type { OutputListing, SampleFile } from '../core/training/outputs';
import type { Settings } from '../settings';
import { sampleSource, type SampleLibrary } from './sampleLibrary';

export class QualityLibrary implements vscode.Disposable {
  private readonly cache: QualityCache;
  private readonly thread = new QualityThread();
  private readonly measured = new vscode.EventEmitter<void>();
  /** A video's scores were measured and stored. */
  readonly onDidChange = this.measured.event;

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
  async measure(host: string, sample: SampleFile, layout: QualityLayout, signal?: AbortSignal): Promise<SampleQuality> {
    let measured = false;
    const result = await this.cache.get(sampleSource(host, sample), layout, async () => {
      measured = true;
      const file = await this.samples.fetch(host, sample, undefined, signal);
      return this.thread.measure(file.fsPath, layout, { ffmpeg: this.settings.ffmpegPath }, signal);
    });
    // Told once stored (the cache has written it by now), and only for new scores.
    if (measured) this.measured.fire();
    return result;
  }

  /** Each checkpoint of the listing with the quality of its nearest validation, from the scores known. */
  checkpoints(host: string, listing: OutputListing, layout: QualityLayout): Promise<CheckpointQuality[]> {
    return knownCheckpointQualities(listing, (sample) => this.cached(host, sample, layout));
  }

  dispose(): void {
    this.thread.dispose();
    this.measured.dispose();
  }
}
