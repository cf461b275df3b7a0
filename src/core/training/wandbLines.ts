// What W&B says about a run in the training log: its page (online), or the local folder `wandb sync` uploads
// (offline). wandb prints these on stderr with a "wandb: " prefix; emoji and wording vary across versions, so only
// the stable parts are matched: the URL of a run page, and the offline run folder (named only in wandb's exit
// footer: a run ended by a signal leaves it out, and syncWandbRun then finds the folder by the run's W&B id).
import type { RemoteHost } from '../remote/remoteHost';
import { kitJson, runKit } from './kit';
import type { RunRegistry } from './registry';

export interface WandbRun {
  readonly mode: 'online' | 'offline';
  /** The run's page (online). */
  readonly url?: string;
  /** The local run folder (offline: what `wandb sync` takes; online: where wandb keeps its files). */
  readonly dir?: string;
}

const RUN_PAGE = /wandb:.*View run\b.*?(https?:\/\/\S+\/runs\/[^\s)]+)/;
const LOCAL_DIR = /wandb:.*(?:saved locally in|wandb sync)\s+(\S+)/;
const OFFLINE = /wandb:.*(?:syncing is set to [`']?offline|offline-run-)/;

/** The run as the log's lines tell it, or undefined when W&B said nothing (or is not used). */
export function wandbRunIn(log: string): WandbRun | undefined {
  let url: string | undefined;
  let dir: string | undefined;
  let offline = false;
  for (const line of log.split(/\r?\n|\r/)) {
    if (!line.includes('wandb:')) continue;
    url ??= RUN_PAGE.exec(line)?.[1];
    const local = LOCAL_DIR.exec(line)?.[1];
    if (local) dir = local.replace(/[`'".]+$/, '');
    offline ||= OFFLINE.test(line);
  }
  if (url) return { mode: 'online', url, ...(dir ? { dir } : {}) };
  if (offline || dir) return { mode: 'offline', ...(dir ? { dir } : {}) };
  return undefined;
}

/** The log's W&B lines on the host (grep, so a long log never crosses the connection). */
export async function wandbRunOnHost(
  host: RemoteHost,
  logFile: string,
  signal?: AbortSignal,
): Promise<WandbRun | undefined> {
  const result = await host.exec(['grep', '-a', '-m', '400', 'wandb:', '--', logFile], { signal, timeoutMs: 60_000 });
  // grep: 1 is "no line", 2 an unreadable file; neither is an error of the run.
  return result.code === 0 ? wandbRunIn(result.stdout) : undefined;
}

/**
 * The offline run to upload: the folder the log names, or the run's own that wandb made under its folder on the host
 * (wandb/ in the trainer's working folder, or $WANDB_DIR's) and named by the id the run was launched with.
 */
export type WandbSyncTarget = { readonly dir: string } | { readonly workdir: string; readonly wandbId: string };

export interface WandbSyncResult {
  readonly code: number;
  readonly url: string | null;
  readonly tail: readonly string[];
  /** The folder that was synced. */
  readonly dir: string;
}

/** `wandb sync DIR` on the host, in the training environment; the key travels on stdin only. */
export async function syncWandbRun(
  registry: Pick<RunRegistry, 'root' | 'host'>,
  target: WandbSyncTarget,
  apiKey: string | undefined,
  envSetup: string | undefined,
  signal?: AbortSignal,
): Promise<WandbSyncResult> {
  const root = await registry.root(signal);
  const input = JSON.stringify({ ...target, apiKey: apiKey ?? null });
  const result = await runKit(registry.host, root, 'wandb_sync.py', [], {
    input,
    envSetup,
    signal,
    timeoutMs: 3_600_000,
  });
  return kitJson<WandbSyncResult>(result, 'wandb sync', registry.host);
}
