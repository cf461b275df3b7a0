// Tells, once each, when a run seen running ends (finished, failed, stopped) or stalls, from the successive run
// lists the Runs view already fetches: every run of every known host, not only the one being followed.
import { isActive, type RunState, type RunSummary } from './runRecord';

export type RunEventKind = 'finished' | 'failed' | 'stopped' | 'stalled';

export interface RunEvent {
  readonly kind: RunEventKind;
  readonly host: string;
  readonly runId: string;
  /** One sentence naming the run and the host, e.g. "flexiv_finetune on gpu-1 failed at step 1200: CUDA out of …". */
  readonly message: string;
}

export interface StallPolicy {
  /** A run is stalled after this many times its usual step time without a new step; 0: never. */
  readonly factor: number;
  /** …and never before this many milliseconds (a slow validation pass is not a stall). */
  readonly minimumMs: number;
}

interface Seen {
  state: RunState;
  step: number;
  /** When `step` was first seen (ms). */
  stepAt: number;
  /** Milliseconds per step between observations that saw the step advance, newest last. */
  stepTimes: number[];
  stalled: boolean;
}

/** Step times kept per run for the median: enough to ride out a validation pass, small enough to follow changes. */
const STEP_TIMES_KEPT = 9;

export class RunWatch {
  private readonly seen = new Map<string, Seen>();

  /** `since` (ms): runs that ended before it are not news (they ended before the editor started watching). */
  constructor(
    private readonly stall: StallPolicy,
    private readonly since: number,
  ) {}

  /**
   * One host's runs as listed at `now` (ms). A run first seen active is recorded; one first seen over is news only
   * when it ended after `since` (it started and ended between two looks).
   */
  observe(host: string, hostLabel: string, runs: readonly RunSummary[], now: number): RunEvent[] {
    const events: RunEvent[] = [];
    for (const run of runs) {
      const key = `${host}\u0000${run.record.runId}`;
      const step = run.progress?.step ?? 0;
      const previous = this.seen.get(key);
      const name = `${run.record.name} on ${hostLabel}`;
      if (!previous) {
        this.seen.set(key, { state: run.record.state, step, stepAt: now, stepTimes: [], stalled: false });
        const endedAt = Date.parse(run.record.endedAt ?? '');
        if (!isActive(run.record.state) && endedAt >= this.since) events.push(this.ended(host, run, name, step));
        continue;
      }
      if (isActive(previous.state) && !isActive(run.record.state)) {
        events.push(this.ended(host, run, name, step));
      } else if (isActive(run.record.state)) {
        if (step > previous.step) {
          previous.stepTimes = [...previous.stepTimes, (now - previous.stepAt) / (step - previous.step)].slice(
            -STEP_TIMES_KEPT,
          );
          previous.stepAt = now;
          previous.stalled = false;
        } else if (!previous.stalled && this.isStalled(previous, run, now)) {
          previous.stalled = true;
          const minutes = Math.round((now - previous.stepAt) / 60_000);
          events.push({
            kind: 'stalled',
            host,
            runId: run.record.runId,
            message: `${name} has made no progress for ${minutes} min (still at step ${step}).`,
          });
        }
      }
      previous.state = run.record.state;
      previous.step = Math.max(previous.step, step);
    }
    return events;
  }

  private ended(host: string, run: RunSummary, name: string, step: number): RunEvent {
    const state = run.record.state as Exclude<RunEventKind, 'stalled'>;
    const at = step > 0 ? ` at step ${step}` : '';
    const why = state === 'failed' && run.lastError ? `: ${run.lastError.title.replace(/\.$/, '')}` : '';
    return { kind: state, host, runId: run.record.runId, message: `${name} ${state}${at}${why}.` };
  }

  private isStalled(seen: Seen, run: RunSummary, now: number): boolean {
    if (this.stall.factor <= 0 || run.record.state !== 'running') return false;
    // tqdm's own rate when the log has one; else the step times seen here.
    const rate = run.progress?.rate;
    const stepMs = rate && rate > 0 ? 1000 / rate : median(seen.stepTimes);
    if (stepMs === undefined) return false;
    return now - seen.stepAt > Math.max(this.stall.minimumMs, this.stall.factor * stepMs);
  }
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
