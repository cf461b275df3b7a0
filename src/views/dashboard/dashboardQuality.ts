// The quality of one output folder's validation videos in a dashboard (its own run's, or a compared run's): its
// tracker measures through the quality library (videos from the sample cache, scores kept beside it), shows each
// pass's progress in the status bar, and the presented view is sent to the webview when it changed.
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { QualityTracker, type QualitySnapshot } from '../../core/quality/qualityTracker';
import type { QualityLayout } from '../../core/quality/sampleQuality';
import type { OutputListing } from '../../core/training/outputs';
import type { QualityLibrary } from '../../training/qualityLibrary';

export class DashboardQuality<View> implements vscode.Disposable {
  private readonly tracker: QualityTracker;
  /** What the webview was last sent, so an unchanged view is not sent again. */
  private sent = '';

  constructor(
    host: string,
    library: QualityLibrary,
    private readonly present: (snapshot: QualitySnapshot) => View,
    private readonly onChange: (view: View) => void,
    log: vscode.LogOutputChannel,
    /** What the status bar says while measuring. */
    title = 'Measuring validation videos',
  ) {
    this.tracker = new QualityTracker(
      {
        cached: (sample, layout) => library.cached(host, sample, layout),
        measure: (sample, layout, signal) => library.measure(host, sample, layout, signal),
      },
      {
        changed: () => this.changed(),
        failed: (sample, error) => log.warn(`Measuring the quality of ${sample.path}: ${describeError(error)}`),
        pass: (task) =>
          Promise.resolve(
            vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, (progress) =>
              task((done, total) => progress.report({ message: `${done + 1}/${total}` })),
            ),
          ),
      },
    );
  }

  update(listing: OutputListing, layout: QualityLayout | undefined): Promise<void> {
    return this.tracker.update(listing, layout);
  }

  request(auto: boolean): void {
    this.tracker.request(auto);
  }

  cancel(): void {
    this.tracker.cancel();
  }

  /** Sends the view even if unchanged (the webview reloaded). */
  resend(): void {
    this.sent = '';
    this.changed();
  }

  dispose(): void {
    this.tracker.dispose();
  }

  private changed(): void {
    const view = this.present(this.tracker.snapshot());
    const text = JSON.stringify(view);
    if (text === this.sent) return;
    this.sent = text;
    this.onChange(view);
  }
}
