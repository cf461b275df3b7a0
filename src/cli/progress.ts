// Progress of long CLI work (scan, convert) on stderr, one rewritten line, only when stderr is a terminal and the
// output is not --json: count, rate and time left. Nothing else is printed, so scripts see the same output.
import type { CliIo, ParsedArgs } from './framework';

export interface ProgressLine {
  readonly update: (progress: { readonly done: number; readonly total: number }) => void;
  /** Ends the line (nothing when no progress was shown). */
  readonly finish: () => void;
}

const EVERY_MS = 200;

export function progressLine(
  io: CliIo,
  args: ParsedArgs,
  what: string,
  now: () => number = () => performance.now(),
): ProgressLine {
  const write = io.progress;
  if (!write || args.values.json) return { update: () => undefined, finish: () => undefined };
  const started = now();
  let last = -Infinity;
  let shown = false;
  return {
    update({ done, total }) {
      const at = now();
      if (at - last < EVERY_MS && done < total) return;
      last = at;
      shown = true;
      write(formatProgress(what, done, total, (at - started) / 1000));
    },
    finish() {
      if (shown) write(null);
    },
  };
}

/** "scan 120/200 · 48.0/s · 2 s left" */
export function formatProgress(what: string, done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const left = rate > 0 ? Math.ceil((total - done) / rate) : undefined;
  const eta =
    left === undefined ? '' : left >= 60 ? ` · ${Math.floor(left / 60)} min ${left % 60} s left` : ` · ${left} s left`;
  return `${what} ${done}/${total}${rate > 0 ? ` · ${rate.toFixed(1)}/s` : ''}${done < total ? eta : ''}`;
}
