// Start Flexiv Training's SLURM questions: where to run (offered only where sbatch exists), then the job's partition
// (from sinfo), nodes, GPUs per node, time limit, account and QoS, remembered per host for the next launch.
import { describeError } from '../../core/errors';
import { hasSbatch, listPartitions, slurmMinutes, type PartitionSummary } from '../../core/training/slurmCluster';
import type { SlurmJobOptions } from '../../core/training/slurmTarget';
import { hostLabelFor } from '../../training/hosts';
import type { TrainingServices } from './services';
import { askText, pickOne } from './quickInput';

const SLURM_NAME = /^[A-Za-z0-9_.-]*$/;

/**
 * null: train on the host itself (it has no sbatch, or the user chose so); a job: submit to SLURM;
 * undefined: the user cancelled.
 */
export async function askSlurmJob(
  services: TrainingServices,
  host: string,
  title: string,
): Promise<SlurmJobOptions | null | undefined> {
  const registry = await services.hosts.registry(host);
  const submits = await hasSbatch(registry.host).catch(() => false);
  if (!submits) return null;
  const remembered = services.hosts.slurmJobFor(host);
  const where = await pickOne(
    [
      { label: '$(server-process) SLURM cluster', description: 'sbatch a job from this login node', slurm: true },
      { label: '$(vm) This host', description: "accelerate on this host's own GPUs", slurm: false },
    ],
    { title, placeholder: `${hostLabelFor(host)} has SLURM: where should the run train?` },
  );
  if (!where) return undefined;
  if (!where.slurm) return null;

  let partitions: PartitionSummary[] = [];
  try {
    partitions = await listPartitions(registry.host);
  } catch (error) {
    services.log.warn(`Listing SLURM partitions on ${hostLabelFor(host)} failed: ${describeError(error)}`);
  }
  const partition = await pickPartition(partitions, remembered, title);
  if (!partition) return undefined;
  const summary = partitions.find((item) => item.name === partition);
  const count = (what: string, value: string | undefined) =>
    askText({
      title,
      value,
      prompt: what,
      validate: (text) => (/^[1-9]\d*$/.test(text.trim()) ? undefined : 'Enter a whole number from 1'),
    });
  const nodes = await count(
    `Nodes for the job (${summary?.nodes ?? '?'} in ${partition})`,
    String(remembered?.nodes ?? 1),
  );
  if (!nodes) return undefined;
  const gpusPerNode = await count(
    `GPUs per node (up to ${summary?.gpusPerNode ?? '?'} in ${partition}); one training process each`,
    String(remembered?.gpusPerNode ?? (summary?.gpusPerNode || 1)),
  );
  if (!gpusPerNode) return undefined;
  const timeLimit = await askText({
    title,
    value: remembered?.timeLimit ?? (summary && summary.maxTime !== 'infinite' ? summary.maxTime : '24:00:00'),
    prompt: `Time limit: minutes or [days-]hours:minutes:seconds (${partition} allows ${summary?.maxTime ?? '?'})`,
    validate: (text) => (slurmMinutes(text) ? undefined : 'Enter minutes, hours:minutes:seconds or days-hours'),
  });
  if (!timeLimit) return undefined;
  const name = (what: string, value: string | undefined) =>
    askText({
      title,
      value: value ?? '',
      prompt: `${what} (empty for the cluster's default)`,
      validate: (text) => (SLURM_NAME.test(text.trim()) ? undefined : 'Letters, digits, _ . - only'),
    });
  const account = await name('Account to charge', remembered?.account);
  if (account === undefined) return undefined;
  const qos = await name('Quality of service (QoS)', remembered?.qos);
  if (qos === undefined) return undefined;
  const job: SlurmJobOptions = {
    partition,
    nodes: Number(nodes),
    gpusPerNode: Number(gpusPerNode),
    timeLimit,
    ...(account ? { account } : {}),
    ...(qos ? { qos } : {}),
  };
  await services.hosts.rememberSlurmJob(host, job);
  return job;
}

/** sinfo's partitions, the remembered one first; free text where sinfo said nothing. */
async function pickPartition(
  partitions: readonly PartitionSummary[],
  remembered: SlurmJobOptions | undefined,
  title: string,
): Promise<string | undefined> {
  if (partitions.length === 0)
    return askText({
      title,
      value: remembered?.partition ?? '',
      prompt: 'SLURM partition (sinfo listed none)',
      validate: (text) => (text.trim() && SLURM_NAME.test(text.trim()) ? undefined : 'Enter a partition name'),
    });
  const items = partitions.map((partition) => ({
    label: partition.name,
    description:
      `${partition.nodes} node(s) · ${partition.gpusPerNode} GPU(s) per node · max ${partition.maxTime}` +
      (partition.available === 'up' ? '' : ` · ${partition.available}`),
    name: partition.name,
  }));
  const activeIndex = Math.max(
    0,
    items.findIndex((item) => item.name === remembered?.partition),
  );
  return (await pickOne(items, { title, placeholder: 'SLURM partition', activeIndex }))?.name;
}
