// Where and how the trainer runs. Callers only ask a target for a plan, so multi-node accelerate
// (--num_machines/--machine_rank/--main_process_ip, one plan per host) or a SLURM target (an sbatch script) can be
// added as new targets without changing them.

export interface TrainerSpec {
  readonly gpus: readonly number[];
  readonly mainProcessPort: number;
  /** The config's mixed_precision, passed explicitly so accelerate prints no warning about defaults. */
  readonly mixedPrecision?: string;
  /** Upstream's --ckpt_path override: the weights to start from. */
  readonly ckptPath?: string;
  /**
   * The run's folder holding its `config.py`, prepended to PYTHONPATH. Every Ctrl-World train_wm.py does
   * `from config import wm_args` and appends the checkout to the *end* of sys.path, so this copy is the config the
   * trainer imports, with or without a `--config` option (upstream has none; the Flexiv fork ignores it).
   */
  readonly pythonPath: string;
  readonly runId: string;
  /** The run's folder on the host, where its log and files live. */
  readonly runDir: string;
  /** The Ctrl-World checkout the trainer runs in. */
  readonly workdir: string;
  /** A shell command run before the trainer, e.g. activating a conda environment. */
  readonly envSetup?: string;
  /** The config's max_train_steps, where the run ends (Ctrl-World itself trains on to the end of its epoch). */
  readonly totalSteps?: number;
}

export interface LaunchPlan {
  readonly argv: readonly string[];
  /** Environment for the trainer; never secrets (those are added by the launcher and travel on stdin). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Set by targets that hand the run to a scheduler: this script goes into the run folder and is submitted instead
   * of starting `argv` under the supervisor; `argv` is then what each node runs, for the record.
   */
  readonly batchScript?: string;
}

export interface LaunchTarget {
  /** Recorded in run.json so a later version knows how to watch and stop the run. */
  readonly id: string;
  readonly description: string;
  plan(spec: TrainerSpec): LaunchPlan;
}

export const TRAIN_SCRIPT = 'scripts/train_wm.py';

/** `accelerate launch` with one process per chosen GPU on one host. */
export const singleHostAccelerate: LaunchTarget = {
  id: 'accelerate-single-host',
  description: 'accelerate launch on one host, one process per GPU',
  plan(spec) {
    return {
      argv: accelerateArgv(spec, spec.gpus.length),
      env: { CUDA_VISIBLE_DEVICES: spec.gpus.join(','), PYTHONPATH: spec.pythonPath },
    };
  },
};

/**
 * This machine's place among several: accelerate's multi-machine flags. The words may be shell variables that each
 * node fills in (SLURM's $SLURM_NODEID), so they are strings.
 */
export interface MachinePlace {
  readonly machines: string;
  readonly rank: string;
  readonly mainAddress: string;
}

/**
 * The one `accelerate launch` command line of every target. `processes` counts the processes of all machines
 * together, as accelerate's --num_processes does; defaults are passed explicitly so accelerate warns about none.
 */
export function accelerateArgv(spec: TrainerSpec, processes: number, machine?: MachinePlace): string[] {
  return [
    'accelerate',
    'launch',
    '--num_machines',
    machine?.machines ?? '1',
    ...(machine ? ['--machine_rank', machine.rank, '--main_process_ip', machine.mainAddress] : []),
    '--main_process_port',
    String(spec.mainProcessPort),
    '--num_processes',
    String(processes),
    '--mixed_precision',
    acceleratePrecision(spec.mixedPrecision),
    '--dynamo_backend',
    'no',
    ...(processes > 1 ? ['--multi_gpu'] : []),
    TRAIN_SCRIPT,
    ...trainerArguments(spec.ckptPath),
  ];
}

/** The trainer's own arguments: only flags upstream's train_wm.py has (an unknown flag makes argparse exit 2). */
export function trainerArguments(ckptPath: string | undefined): string[] {
  return ckptPath ? ['--ckpt_path', ckptPath] : [];
}

export function acceleratePrecision(value: string | undefined): string {
  return value === 'fp16' || value === 'bf16' || value === 'fp8' ? value : 'no';
}
