// The SLURM preflight's questions to a compute node: the probes the preflight runs on a single host go through srun,
// so they answer for the machines that will train (their Python, their view of the shared filesystem), not the
// login node.
import { describeError, UserFacingError } from '../errors';
import { KIT_NOT_SHARED } from './kit';
import type { PreflightCheck, ProbeAnswer } from './preflightChecks';
import { slurmCheck } from './slurmCluster';
import type { SlurmJobOptions } from './slurmTarget';

/** How long srun waits for a node of the partition before giving up: a busy cluster fails the check, not hangs it. */
export const SRUN_WAIT_SECONDS = 60;

/**
 * srun's words for one task on one node of the job's partition, as the job's own account and QoS. No GPUs are asked
 * for: the probes need none, and a CPU slot on a partition's node comes much sooner than a free GPU.
 */
export function srunOnOneNode(options: SlurmJobOptions, minutes: number): string[] {
  return [
    'srun',
    `--partition=${options.partition}`,
    '--nodes=1',
    '--ntasks=1',
    `--time=${minutes}`,
    `--immediate=${SRUN_WAIT_SECONDS}`,
    '--job-name=cwf-preflight',
    '--quiet',
    ...(options.account ? [`--account=${options.account}`] : []),
    ...(options.qos ? [`--qos=${options.qos}`] : []),
  ];
}

/** A check judged from a compute node's answer, saying which node gave it. */
export function onNode(item: PreflightCheck, node: string | undefined): PreflightCheck {
  return node ? { ...item, message: `${item.message} (on ${node})` } : item;
}

/**
 * The job reads the checkout (its --chdir) and writes its log and run.json into the registry folder, on whichever
 * node SLURM picks: both must be on a filesystem the nodes share. The probe ran from the registry folder's kit, so
 * an answer at all means that folder is seen; the checkout is seen when train_wm.py could be read.
 */
export function sharedFilesystemCheck(
  options: SlurmJobOptions,
  paths: { readonly workdir: string; readonly registryRoot: string },
  probe: { readonly answer: ProbeAnswer } | { readonly error: unknown },
): PreflightCheck {
  const partition = options.partition;
  if ('error' in probe) {
    const notShared = probe.error instanceof UserFacingError && probe.error.code === KIT_NOT_SHARED;
    return slurmCheck(
      'slurm-shared-fs',
      false,
      notShared
        ? `The run folders in ${paths.registryRoot} are not visible from a compute node of ${partition}, and the ` +
            'job writes its log and run.json there. Set ctrlWorld.remote.registryFolder to a folder on a filesystem ' +
            'the compute nodes share (a home or project folder, not /tmp or a local disk).'
        : `srun could not run the probe on a compute node of ${partition}: ${describeError(probe.error)} ` +
            `(srun waits ${SRUN_WAIT_SECONDS} s for a free node of the partition; run the preflight again later).`,
    );
  }
  const { answer } = probe;
  const node = answer.node ?? 'a compute node';
  const train = `${paths.workdir}/scripts/train_wm.py`;
  if (answer.files.train === null || answer.files.train === undefined)
    return slurmCheck(
      'slurm-shared-fs',
      false,
      `${node}, a compute node of ${partition}, cannot read ${train}. If the checkout is there on the login ` +
        'node, it is on a disk the compute nodes do not share (such as /tmp or a local disk): put the checkout on ' +
        'a shared filesystem (a home, project or scratch folder) and choose that folder for the run.',
    );
  return slurmCheck(
    'slurm-shared-fs',
    true,
    `${node}, a compute node of ${partition}, reads the checkout ${paths.workdir} and the run folders in ` +
      `${paths.registryRoot}.`,
  );
}
