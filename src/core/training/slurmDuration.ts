// Whether a SLURM job's time limit covers the run, by the same estimate the config editor shows; when it does not,
// how many jobs the run takes (each continued from the last one's checkpoint) or the max_train_steps that fits one.
import { estimateSecondsPerStep, fieldSpec, type ConfigValue, type TrainingEnvironment } from '../config';
import type { PreflightCheck } from './preflightChecks';
import { slurmCheck, slurmMinutes } from './slurmCluster';
import type { SlurmJobOptions } from './slurmTarget';

export interface JobPlan {
  readonly estimatedMinutes: number;
  readonly limitMinutes: number;
  /** Steps one job trains before its time limit. */
  readonly stepsPerJob: number;
  /** The last checkpoint one job writes: what survives its time limit. */
  readonly savedPerJob: number;
  /** Jobs the run takes; undefined when no job writes a checkpoint, so no resubmission gets further. */
  readonly jobs?: number;
}

/** How the run splits into jobs of this time limit; undefined when the limit is not one SLURM reads. */
export function planJobs(
  timeLimit: string,
  values: Record<string, ConfigValue>,
  environment: TrainingEnvironment,
): JobPlan | undefined {
  const limitMinutes = slurmMinutes(timeLimit);
  if (limitMinutes === undefined) return undefined;
  const steps = Math.max(0, Math.floor(numberField(values, 'max_train_steps')));
  const every = Math.floor(numberField(values, 'checkpointing_steps'));
  const secondsPerStep = estimateSecondsPerStep(values, environment);
  const stepsPerJob = Math.floor((limitMinutes * 60) / secondsPerStep);
  const savedPerJob = every >= 1 ? Math.floor(Math.min(stepsPerJob, steps) / every) * every : 0;
  // The last job only has to reach max_train_steps; each one before it keeps the steps up to its last checkpoint.
  const jobs =
    steps <= stepsPerJob ? 1 : savedPerJob > 0 ? 1 + Math.ceil((steps - stepsPerJob) / savedPerJob) : undefined;
  return { estimatedMinutes: (steps * secondsPerStep) / 60, limitMinutes, stepsPerJob, savedPerJob, jobs };
}

/**
 * A run longer than its job still trains: the job ends in TIMEOUT, a known end, and Continue from Checkpoint goes
 * on from there, so that is a warning. Only a job that ends before its first checkpoint fails the check: all it
 * trained would be lost, however often it was submitted.
 */
export function durationCheck(
  options: SlurmJobOptions,
  values: Record<string, ConfigValue>,
  environment: TrainingEnvironment,
): PreflightCheck {
  const plan = planJobs(options.timeLimit, values, environment);
  if (!plan) return slurmCheck('slurm-duration', false, `"${options.timeLimit}" is not a SLURM time limit.`);
  const speed = environment.secondsPerStep ? 'measured' : 'reference';
  const estimate =
    `The run is estimated at ${duration(plan.estimatedMinutes)} (max_train_steps ` +
    `${numberField(values, 'max_train_steps')} at the ${speed} speed of ` +
    `${estimateSecondsPerStep(values, environment).toFixed(2)} s per step)`;
  const limit = `the job's time limit of ${duration(plan.limitMinutes)}`;
  if (plan.jobs === 1) return slurmCheck('slurm-duration', true, `${estimate}, within ${limit}.`);
  if (plan.jobs === undefined)
    return {
      ...slurmCheck(
        'slurm-duration',
        false,
        `${estimate}, longer than ${limit}, and the job would end before its first checkpoint (about ` +
          `${plan.stepsPerJob} steps fit; checkpointing_steps is ${numberField(values, 'checkpointing_steps')}): ` +
          `all it trained would be lost. Ask for more time, or set checkpointing_steps to ${plan.stepsPerJob} ` +
          'or less.',
      ),
      fix: 'open-config',
    };
  return {
    ...slurmCheck(
      'slurm-duration',
      true,
      `${estimate}, longer than ${limit}: a job trains about ${plan.stepsPerJob} steps and keeps its checkpoint ` +
        `of step ${plan.savedPerJob}. The run takes ${plan.jobs} jobs: each ends at its time limit (TIMEOUT) and ` +
        'Continue from Checkpoint submits the next from the last checkpoint (weights only, counting steps from 0 ' +
        `again, so lower max_train_steps to the steps left). Or set max_train_steps to ${plan.savedPerJob} to ` +
        'train in one job.',
    ),
    warning: true,
  };
}

function numberField(values: Record<string, ConfigValue>, field: string): number {
  const value = values[field];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const fallback = fieldSpec(field)?.default;
  return typeof fallback === 'number' ? fallback : 0;
}

/** Minutes as the config editor's estimate reads: hours to one decimal, minutes under two hours. */
function duration(minutes: number): string {
  return minutes < 120 ? `${Math.ceil(minutes)} min` : `${Math.round(minutes / 6) / 10} h`;
}
