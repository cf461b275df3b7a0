// A SLURM cluster as a launch target: the run becomes an sbatch script in its folder that starts `accelerate launch`
// once per node with srun, each node passing its own machine rank; SLURM, not the extension, places and runs it.
import { quoteArg } from '../remote/quote';
import { UserFacingError } from '../errors';
import { accelerateArgv, TRAIN_SCRIPT, type LaunchTarget, type TrainerSpec } from './targets';

export const SLURM_TARGET_ID = 'slurm';
/** The script's name in the run folder. */
export const BATCH_SCRIPT_NAME = 'job.sbatch';

export interface SlurmJobOptions {
  readonly partition: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** sbatch's --time: minutes, or [days-]hours:minutes:seconds. */
  readonly timeLimit: string;
  readonly account?: string;
  readonly qos?: string;
}

/** sbatch --time values: "90", "2:00:00", "1-12:00:00" (and the other forms SLURM reads). */
const TIME_LIMIT = /^(\d+-)?\d+(:\d{1,2}){0,2}$/;
const SLURM_NAME = /^[A-Za-z0-9_.-]+$/;

export function slurmTarget(options: SlurmJobOptions): LaunchTarget {
  assertJobOptions(options);
  return {
    id: SLURM_TARGET_ID,
    description: `sbatch on partition ${options.partition}: ${options.nodes} node(s) x ${options.gpusPerNode} GPU(s)`,
    plan(spec) {
      const argv = nodeCommand(options, spec);
      return { argv, env: {}, batchScript: batchScript(options, spec, argv) };
    },
  };
}

/**
 * What each node runs. The $SLURM_… words stay unexpanded: each srun task's own shell fills them in, so every
 * node gets its rank. accelerate's --num_processes counts the processes of all machines together.
 */
function nodeCommand(options: SlurmJobOptions, spec: TrainerSpec): string[] {
  const place = { machines: '$SLURM_NNODES', rank: '$SLURM_NODEID', mainAddress: '$CWF_MAIN_ADDRESS' };
  return accelerateArgv(spec, options.nodes * options.gpusPerNode, place);
}

function batchScript(options: SlurmJobOptions, spec: TrainerSpec, argv: readonly string[]): string {
  const directives: Array<[string, string]> = [
    [`--job-name=cwf-${spec.runId}`, ''],
    [`--partition=${options.partition}`, ''],
    [`--nodes=${options.nodes}`, ''],
    ['--ntasks-per-node=1', 'one accelerate launcher per node; it starts one process per GPU'],
    [`--gres=gpu:${options.gpusPerNode}`, ''],
    [`--time=${options.timeLimit}`, 'at the limit SLURM ends the job (state TIMEOUT)'],
    ...(options.account ? ([[`--account=${options.account}`, '']] as Array<[string, string]>) : []),
    ...(options.qos ? ([[`--qos=${options.qos}`, '']] as Array<[string, string]>) : []),
    [`--output=${spec.runDir}/train.log`, 'the log the extension follows; every node writes to it'],
    ['--open-mode=append', ''],
    [`--chdir=${spec.workdir}`, 'the Ctrl-World checkout'],
    ['--export=ALL', "the WandB key comes from sbatch's environment, never this file"],
  ];
  const perNode = readableCommand(argv);
  return [
    '#!/bin/bash',
    `# Ctrl-World Flexiv run ${spec.runId}, submitted with \`sbatch --parsable ${BATCH_SCRIPT_NAME}\` from this folder.`,
    ...directives.map(([flag, why]) => `#SBATCH ${flag}`.padEnd(why ? 40 : 0) + (why ? `  # ${why}` : '')),
    '',
    '# Marks every process of the run, so a sweep on a node can find what is left of it.',
    `export CTRL_WORLD_FLEXIV_RUN=${quoteArg(spec.runId)}`,
    '',
    ...(spec.envSetup?.trim() ? environmentSetup(spec.envSetup.trim()) : []),
    "# The run's own config.py comes first on the import path: train_wm.py does `from config import wm_args`.",
    `export PYTHONPATH=${quoteArg(spec.pythonPath)}\${PYTHONPATH:+:$PYTHONPATH}`,
    '',
    "# The first node hosts accelerate's rendezvous; the others reach it at its address in SLURM's node table.",
    'main_node=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    'main_address=$(scontrol show node "$main_node" | sed -n \'s/.*NodeAddr=\\([^ ]*\\).*/\\1/p\')',
    'export CWF_MAIN_ADDRESS=${main_address:-$main_node}',
    '',
    "# One task per node; single quotes keep $SLURM_NODEID for the task, where it is that node's rank.",
    `srun --kill-on-bad-exit=1 bash -c ${quoteArg(`exec ${perNode}`)}${spec.totalSteps ? ' &' : ''}`,
    ...(spec.totalSteps ? stopAtTotal(spec.runDir, spec.totalSteps) : []),
    '',
  ].join('\n');
}

/**
 * Ctrl-World's loop has no break at max_train_steps: it trains whole epochs past it (tqdm then prints
 * "Steps: : N it"). Once the bar passes that step its checkpoint and validation are written, so the job ends there,
 * as a completed one (the same rule as the supervisor's on a single host).
 */
function stopAtTotal(runDir: string, totalSteps: number): string[] {
  return [
    'trainer=$!',
    `log=${quoteArg(`${runDir}/train.log`)}`,
    `# Ctrl-World trains on past max_train_steps (${totalSteps}) to the end of its epoch: the job ends at that step.`,
    'while kill -0 "$trainer" 2> /dev/null; do',
    '  sleep "${CWF_TOTAL_POLL_SECONDS:-5}"',
    `  step=$(tail -c 4096 "$log" | tr '\\r' '\\n' | sed -n 's/.*Steps: *: *\\([0-9][0-9]*\\)it.*/\\1/p' | tail -n 1)`,
    `  if [ -n "$step" ] && [ "$step" -gt ${totalSteps} ]; then`,
    `    echo "Ctrl-World Flexiv: step $step is past max_train_steps (${totalSteps}); the job ends here."`,
    `    printf '%s\\n' "$step" > ${quoteArg(`${runDir}/reached-total`)}`,
    '    kill -TERM "$trainer"',
    '    wait "$trainer"',
    '    exit 0',
    '  fi',
    'done',
    'wait "$trainer"',
  ];
}

/** One option per line, continued with backslashes; $SLURM_… words in double quotes so the task's shell fills them. */
function readableCommand(argv: readonly string[]): string {
  const lines: string[][] = [];
  for (const word of argv) {
    const shellWord = word.startsWith('$') ? `"${word}"` : quoteArg(word);
    if (lines.length === 0 || word.startsWith('--') || word === TRAIN_SCRIPT) lines.push([shellWord]);
    else lines[lines.length - 1].push(shellWord);
  }
  return lines.map((words) => words.join(' ')).join(' \\\n    ');
}

/** The setup command as the user wrote it, for bash; a failure ends the job with a line in the log saying so. */
function environmentSetup(command: string): string[] {
  return [
    '# The environment setup from the extension settings (ctrlWorld.remote.envSetup).',
    'if ! {',
    `  ${command}`,
    '}; then',
    `  echo ${quoteArg(`Ctrl-World Flexiv: the environment setup command failed: ${command}`)}`,
    '  exit 126',
    'fi',
    '',
  ];
}

function assertJobOptions(options: SlurmJobOptions): void {
  const problems = [
    SLURM_NAME.test(options.partition) ? '' : `the partition "${options.partition}"`,
    Number.isInteger(options.nodes) && options.nodes >= 1 ? '' : `${options.nodes} nodes`,
    Number.isInteger(options.gpusPerNode) && options.gpusPerNode >= 1 ? '' : `${options.gpusPerNode} GPUs per node`,
    TIME_LIMIT.test(options.timeLimit) ? '' : `the time limit "${options.timeLimit}"`,
    !options.account || SLURM_NAME.test(options.account) ? '' : `the account "${options.account}"`,
    !options.qos || SLURM_NAME.test(options.qos) ? '' : `the QoS "${options.qos}"`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new UserFacingError(
      `The SLURM job cannot use ${problems.join(', ')}.`,
      'Partitions, accounts and QoS are names (letters, digits, _ . -); nodes and GPUs whole numbers from 1; ' +
        'the time limit minutes or hours:minutes:seconds.',
      'bad-slurm-options',
    );
}
