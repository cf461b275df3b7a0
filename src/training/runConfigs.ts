// Runs' config snapshots, read once per run: a snapshot never changes after launch, and the dashboard, the runs it
// compares and the Runs view's checkpoints all need one (the quality's tile size comes from it).
import { parseConfig, type ConfigValue } from '../core/config';
import type { RunRecord } from '../core/training/runRecord';
import type { TrainingHosts } from './hosts';

/** Only the head is read: a snapshot is a few kilobytes, and a stray huge file must not be pulled whole. */
const MAX_BYTES = 524_288;

export class RunConfigs {
  private readonly read = new Map<string, Promise<Record<string, ConfigValue>>>();

  constructor(private readonly hosts: TrainingHosts) {}

  /**
   * The run's config values; an unreadable snapshot counts as a config of upstream's defaults ({}). A host that
   * cannot be reached rejects, and the next call tries again.
   */
  get(host: string, record: Pick<RunRecord, 'runId' | 'configSnapshot'>): Promise<Record<string, ConfigValue>> {
    const key = `${host}\0${record.runId}`;
    let values = this.read.get(key);
    if (!values) {
      values = this.load(host, record.configSnapshot);
      this.read.set(key, values);
      values.catch(() => this.read.delete(key));
    }
    return values;
  }

  private async load(host: string, snapshot: string): Promise<Record<string, ConfigValue>> {
    const registry = await this.hosts.registry(host);
    const result = await registry.host.exec(['head', '-c', String(MAX_BYTES), '--', snapshot], { timeoutMs: 60_000 });
    return result.code === 0 ? parseConfig(result.stdout).values : {};
  }
}
