// Start Flexiv Training's SLURM questions: where to run (offered only where sbatch exists), then the job's partition
// (from sinfo), nodes, GPUs per node, time limit, account and QoS (from sacctmgr where it answers, else typed),
// remembered per host for the next launch.
import { describeError } from '../../core/errors';
import {
  hasSbatch,
  listAssociations,
  listPartitions,
  slurmMinutes,
  type PartitionSummary,
  type SlurmAssociations,
} from '../../core/training/slurmCluster';
import type { SlurmJobOptions } from '../../core/training/slurmTarget';
import { hostLabelFor } from '../../training/hosts';
import type { TrainingServices } from '../../training/services';
import { askText, pickOne } from '../../views/quickInput';

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
  // Asked now, while the user answers the questions before the account.
  const associations = listAssociations(registry.host).catch((error: unknown): SlurmAssociations => {
    services.log.warn(`Listing SLURM associations on ${hostLabelFor(host)} failed: ${describeError(error)}`);
    return { accounts: [], qos: [] };
  });
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
  const { accounts, qos: qosNames } = await associations;
  const account = await pickName(['Account to charge', '--account'], accounts, remembered?.account, title);
  if (account === undefined) return undefined;
  const qos = await pickName(['Quality of service (QoS)', '--qos'], qosNames, remembered?.qos, title);
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

/**
 * An account or QoS: the names sacctmgr listed, the cluster's default, or another typed in; typed in alone where
 * sacctmgr listed none. "" is the cluster's default.
 */
async function pickName(
  [what, flag]: readonly [string, string],
  listed: readonly string[],
  remembered: string | undefined,
  title: string,
): Promise<string | undefined> {
  const type = (value: string) =>
    askText({
      title,
      value,
      prompt: `${what} (empty for the cluster's default)`,
      validate: (text) => (SLURM_NAME.test(text.trim()) ? undefined : 'Letters, digits, _ . - only'),
    }).then((text) => text?.trim());
  if (listed.length === 0) return type(remembered ?? '');
  const names = remembered && !listed.includes(remembered) ? [remembered, ...listed] : listed;
  const items = [
    ...names.map((name) => ({
      label: name,
      description: listed.includes(name) ? 'from your SLURM associations' : 'used last time',
      name,
    })),
    { label: "$(circle-slash) The cluster's default", description: `sbatch without ${flag}`, name: '' },
    { label: '$(edit) Another…', description: 'type a name', name: undefined },
  ];
  // Nothing remembered: the last launch used the default, or this is the first; the default is the safe guess.
  const activeIndex = remembered ? names.indexOf(remembered) : names.length;
  const picked = await pickOne(items, { title, placeholder: what, activeIndex });
  if (!picked) return undefined;
  return picked.name ?? type(remembered ?? '');
}
