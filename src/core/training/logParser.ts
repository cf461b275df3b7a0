// Reads a training log as it grows: tqdm carriage-return updates, accelerate's `[RANK n]` prefixes, the `loss=`
// postfix, checkpoints saved, and errors. Fed chunk by chunk, so it works on byte-offset reads of a growing file.
import { classifyError, loneErrorLine, SECONDARY_EXCEPTIONS, type TrainingError } from './logErrors';

export interface Progress {
  readonly step: number;
  readonly total: number;
  /** Iterations per second (tqdm shows s/it below 1 it/s; converted). */
  readonly rate?: number;
  readonly elapsed?: string;
  /** tqdm's estimate of the time left, e.g. "38:12:05". */
  readonly remaining?: string;
  /** Ctrl-World's postfix: the sum of the last 100 step losses. */
  readonly loss?: number;
  /** A learning rate in the postfix (`lr=` or `learning_rate=`): upstream logs none, forks with a schedule do. */
  readonly learningRate?: number;
}

export type LogEvent =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'progress'; readonly progress: Progress }
  | { readonly kind: 'total-steps'; readonly total: number }
  | { readonly kind: 'checkpoint'; readonly step: number; readonly path: string }
  | { readonly kind: 'error'; readonly error: TrainingError };

const TQDM =
  /(?:^|\s)Steps:\s*(\d+)%\|[^|]*\|\s*(\d+)\/(\d+)\s*\[([\d:]+)<([\d:?]+),\s*([\d.]+|\?)\s*(it\/s|s\/it)(?:,\s*([^\]]*))?\]/;
/** Past its total, tqdm drops the bar: "Steps: : 28it [00:21,  1.83it/s]" (upstream trains to the end of its epoch). */
const TQDM_PAST_TOTAL = /(?:^|\s)Steps:\s*:\s*(\d+)it\s*\[([\d:]+),\s*([\d.]+|\?)\s*(it\/s|s\/it)(?:,\s*([^\]]*))?\]/;
const POSTFIX_LOSS = /(?:^|,\s*)loss=([-+\d.eE]+|nan|inf)/;
const POSTFIX_LEARNING_RATE = /(?:^|,\s*)(?:lr|learning_rate)=([-+\d.eE]+|nan|inf)/;
const LOGGER_PREFIX = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} - [A-Z]+ - [\w.]+ - /;
const RANK_PREFIX = /^\[RANK \d+\]\s?|^\[rank\d+\]:\s?/;
const TOTAL_STEPS = /Total optimization steps = (\d+)/;
const CHECKPOINT = /Saved checkpoint to (\S*checkpoint-(\d+)\.pt)/;
const TRACEBACK_START = /^Traceback \(most recent call last\):/;
const TRACEBACK_LIMIT = 60;

/** A log line without accelerate's logger and rank prefixes: what the training script itself printed. */
export function stripLogPrefixes(line: string): string {
  return line.replace(LOGGER_PREFIX, '').replace(RANK_PREFIX, '');
}

/** A tqdm update of the `Steps` bar; past the bar's total, `total` is 0 (the caller knows the planned total). */
export function parseProgress(segment: string): Progress | undefined {
  const match = TQDM.exec(segment);
  if (match) {
    const [, , step, total, elapsed, remaining, rateText, unit, postfix] = match;
    return progressOf(
      Number(step),
      Number(total),
      elapsed,
      remaining.includes('?') ? undefined : remaining,
      rateText,
      unit,
      postfix,
    );
  }
  const past = TQDM_PAST_TOTAL.exec(segment);
  if (!past) return undefined;
  const [, step, elapsed, rateText, unit, postfix] = past;
  return progressOf(Number(step), 0, elapsed, undefined, rateText, unit, postfix);
}

function progressOf(
  step: number,
  total: number,
  elapsed: string,
  remaining: string | undefined,
  rateText: string,
  unit: string,
  postfix: string | undefined,
): Progress {
  const rateValue = rateText === '?' ? undefined : Number(rateText);
  const rate =
    rateValue === undefined ? undefined : unit === 's/it' ? (rateValue > 0 ? 1 / rateValue : undefined) : rateValue;
  return {
    step,
    total,
    rate,
    elapsed,
    remaining,
    loss: postfixNumber(postfix, POSTFIX_LOSS),
    learningRate: postfixNumber(postfix, POSTFIX_LEARNING_RATE),
  };
}

/** The number a postfix pattern captured (`loss=0.523, lr=5e-06`). */
function postfixNumber(postfix: string | undefined, pattern: RegExp): number | undefined {
  const text = pattern.exec(postfix ?? '')?.[1];
  return text === undefined ? undefined : Number(text);
}

export class LogParser {
  private partial = '';
  private traceback: string[] | undefined;
  private lastProgressKey = '';
  private readonly seenErrors = new Set<string>();
  /** The latest state, for a status bar or a runs list. */
  progress: Progress | undefined;
  totalSteps: number | undefined;
  readonly errors: TrainingError[] = [];

  /** Feeds decoded text; returns what it completed. A trailing unterminated tqdm update counts at once. */
  push(text: string): LogEvent[] {
    const events: LogEvent[] = [];
    const pieces = (this.partial + text).split(/(\r\n|\r|\n)/);
    this.partial = pieces.pop() ?? '';
    for (let i = 0; i < pieces.length; i += 2) this.segment(pieces[i], pieces[i + 1] !== '\r', events);
    this.progressIn(this.partial, events);
    return events;
  }

  /** Flushes a final unterminated line and an open traceback. */
  end(): LogEvent[] {
    const events: LogEvent[] = [];
    if (this.partial) this.segment(this.partial, true, events);
    this.partial = '';
    this.closeTraceback(undefined, events);
    return events;
  }

  private progressIn(segment: string, events: LogEvent[]): boolean {
    const parsed = parseProgress(segment);
    if (!parsed) return false;
    const progress = parsed.total > 0 ? parsed : { ...parsed, total: this.totalSteps ?? parsed.step };
    const key = `${progress.step}/${progress.total}/${progress.loss}/${progress.rate}/${progress.learningRate}`;
    if (key !== this.lastProgressKey) {
      this.lastProgressKey = key;
      this.progress = progress;
      this.totalSteps ??= progress.total;
      events.push({ kind: 'progress', progress });
    }
    return true;
  }

  /** One piece between carriage returns or newlines; `endsLine` is false for a tqdm update ended by \r. */
  private segment(raw: string, endsLine: boolean, events: LogEvent[]): void {
    if (this.progressIn(raw, events) || raw === '') return;
    if (!endsLine && (TQDM.test(raw) || TQDM_PAST_TOTAL.test(raw))) return;
    const line = stripLogPrefixes(raw);
    events.push({ kind: 'line', text: raw });
    if (this.traceback) {
      if (/^\s/.test(line) || line === '' || /^During handling|^The above exception/.test(line)) {
        if (this.traceback.length < TRACEBACK_LIMIT) this.traceback.push(line);
        return;
      }
      this.closeTraceback(line, events);
      return;
    }
    if (TRACEBACK_START.test(line)) {
      this.traceback = [line];
      return;
    }
    const total = TOTAL_STEPS.exec(line);
    if (total) {
      this.totalSteps = Number(total[1]);
      events.push({ kind: 'total-steps', total: this.totalSteps });
    }
    const checkpoint = CHECKPOINT.exec(line);
    if (checkpoint) events.push({ kind: 'checkpoint', step: Number(checkpoint[2]), path: checkpoint[1] });
    const lone = loneErrorLine(line);
    if (lone) this.report(lone, events);
  }

  private closeTraceback(exceptionLine: string | undefined, events: LogEvent[]): void {
    const lines = this.traceback;
    if (!lines) return;
    this.traceback = undefined;
    const detail = (exceptionLine ?? lines[lines.length - 1]).trim();
    if (SECONDARY_EXCEPTIONS.test(detail) && this.errors.length > 0) return;
    this.report(classifyError(detail, [...lines, detail]), events);
  }

  private report(error: TrainingError, events: LogEvent[]): void {
    // Every rank prints the same failure: report it once.
    const key = `${error.kind}:${error.detail}`;
    if (this.seenErrors.has(key)) return;
    this.seenErrors.add(key);
    this.errors.push(error);
    events.push({ kind: 'error', error });
  }
}

/** The log as lines a person reads: each carriage-return run collapsed to its last state. */
export function collapseCarriageReturns(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((part) => part !== '');
      return parts.length > 0 ? parts[parts.length - 1] : '';
    })
    .join('\n');
}
