// Turns a growing training log into lines a person reads: carriage-return runs (tqdm) collapse to their latest
// state, and a progress line is shown at most every `progressEveryMs` so an output view is not flooded.
import { StringDecoder } from 'node:string_decoder';
import { parseProgress } from './logParser';

export class ProgressLines {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  private lastShownAt = -Infinity;
  private unshownProgress: string | undefined;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly progressEveryMs = 5000,
    private readonly now = () => Date.now(),
  ) {}

  pushBytes(bytes: Buffer): void {
    this.push(this.decoder.write(bytes));
  }

  push(text: string): void {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const shown = lastSegment(line);
      if (parseProgress(shown)) this.progress(shown, true);
      else {
        this.showUnshownProgress();
        this.emit(shown);
      }
    }
    // An unterminated run of updates: everything before the last \r is complete.
    const cut = this.pending.lastIndexOf('\r');
    if (cut >= 0) {
      const latest = lastSegment(this.pending.slice(0, cut));
      if (parseProgress(latest)) this.progress(latest, false);
      this.pending = this.pending.slice(cut + 1);
    }
  }

  /** Shows what is left: a last partial line and the latest progress state. */
  flush(): void {
    const rest = lastSegment(this.pending + this.decoder.end());
    this.pending = '';
    if (parseProgress(rest)) this.progress(rest, true);
    else {
      this.showUnshownProgress();
      if (rest) this.emit(rest);
    }
    this.showUnshownProgress();
  }

  private progress(line: string, final: boolean): void {
    if (final || this.now() - this.lastShownAt >= this.progressEveryMs) {
      this.unshownProgress = undefined;
      this.lastShownAt = this.now();
      this.emit(line);
    } else {
      this.unshownProgress = line;
    }
  }

  private showUnshownProgress(): void {
    if (this.unshownProgress === undefined) return;
    const line = this.unshownProgress;
    this.unshownProgress = undefined;
    this.emit(line);
  }
}

function lastSegment(line: string): string {
  const parts = line.split('\r').filter((part) => part !== '');
  return parts.length > 0 ? parts[parts.length - 1] : '';
}
