// Validation videos for one webview: the URIs it may load them from (the cache folder is among its resource
// roots), fetched on demand with throttled progress, converted when the webview could not play one.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { SampleFile } from '../../core/training/outputs';
import type { SampleLibrary } from '../../training/sampleLibrary';

const PROGRESS_EVERY_MS = 200;

export interface SampleEvents {
  progress(key: string, fraction: number): void;
  ready(key: string, src: string): void;
  failed(key: string, message: string): void;
}

export class WebviewSamples {
  /** Webview URIs of cached samples by their path on the host. */
  readonly sources = new Map<string, string>();
  private readonly files = new Map<string, vscode.Uri>();

  constructor(
    private readonly webview: vscode.Webview,
    private readonly library: SampleLibrary,
    private readonly events: SampleEvents,
  ) {}

  /** Notes which of these samples are cached already, so a view shows them without a fetch. */
  async lookup(host: string, samples: readonly SampleFile[]): Promise<void> {
    await Promise.all(
      samples
        .filter((sample) => !this.sources.has(sample.path))
        .map(async (sample) => {
          const file = await this.library.cached(host, sample);
          if (file) this.remember(sample.path, file);
        }),
    );
  }

  async fetch(host: string, sample: SampleFile): Promise<string | undefined> {
    let last = 0;
    try {
      const file = await this.library.fetch(host, sample, (fraction) => {
        if (Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        this.events.progress(sample.path, fraction);
      });
      const src = this.remember(sample.path, file);
      this.events.ready(sample.path, src);
      return src;
    } catch (error) {
      this.events.failed(sample.path, describeError(error));
      return undefined;
    }
  }

  /** The webview could not play it: convert it with ffmpeg on this machine and offer it again. */
  async convert(key: string): Promise<void> {
    const file = this.files.get(key);
    if (!file) return;
    try {
      await this.library.convert(file);
      this.events.ready(key, this.sources.get(key)!);
    } catch (error) {
      this.events.failed(
        key,
        `This video does not play in VS Code and could not be converted: ${describeError(error)}`,
      );
    }
  }

  private remember(key: string, file: vscode.Uri): string {
    const src = this.webview.asWebviewUri(file).toString();
    this.sources.set(key, src);
    this.files.set(key, file);
    return src;
  }
}
