// Runs the remote kit's encode_latents.py on a GPU host through the one runner, streams its progress lines, and
// stops its whole process group on cancel. It reports only what the encoder verified and wrote.
import { CancelledError, UserFacingError } from '../errors';
import { classifySshFailure } from '../remote/runner';
import type { RemoteHost } from '../remote/remoteHost';
import { ensureKit, kitArgv, kitLaunchFailure } from '../training/kit';

export const PROGRESS_PREFIX = 'CWF-ENCODE ';

export type EncodeEvent =
  | { readonly event: 'process'; readonly pgid: number; readonly pid: number }
  | {
      readonly event: 'start';
      readonly episodes: number;
      readonly todo: number;
      readonly done: number;
      readonly devices: string[];
    }
  | {
      readonly event: 'episode';
      readonly id: string;
      readonly split: string;
      readonly status: 'encoded' | 'failed';
      readonly done: number;
      readonly total: number;
      readonly frames?: number;
      readonly seconds?: number;
      readonly device?: string;
      readonly code?: string;
      readonly reason?: string;
    }
  | { readonly event: 'end'; readonly encoded: number; readonly failed: number; readonly skipped: number }
  | { readonly event: 'error'; readonly code: string; readonly message: string };

/** One progress line of the encoder, or undefined for anything else it (or a library) printed. */
export function parseEncodeLine(line: string): EncodeEvent | undefined {
  if (!line.startsWith(PROGRESS_PREFIX)) return undefined;
  try {
    const value = JSON.parse(line.slice(PROGRESS_PREFIX.length)) as { event?: unknown };
    return typeof value.event === 'string' ? (value as EncodeEvent) : undefined;
  } catch {
    return undefined;
  }
}

export interface EncodeRequest {
  /** Absolute paths on the host: the converted dataset folder, the episodes its annotations name, the SVD folder. */
  readonly datasetDir: string;
  readonly episodesDir: string;
  readonly svdPath: string;
  /** GPU indices, one worker each; empty runs on the CPU. */
  readonly gpus: readonly number[];
  readonly batch?: number;
  readonly envSetup?: string;
}

export interface EncodeResult {
  readonly encoded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: ReadonlyArray<{ readonly id: string; readonly split: string; readonly reason: string }>;
}

export class EncodeError extends UserFacingError {}

const STDERR_TAIL_LINES = 20;

export async function encodeLatents(
  host: RemoteHost,
  registryRoot: string,
  request: EncodeRequest,
  control: { signal?: AbortSignal; onEvent?: (event: EncodeEvent) => void } = {},
): Promise<EncodeResult> {
  const { signal, onEvent } = control;
  if (signal?.aborted) throw new CancelledError();
  const dir = await ensureKit(host, registryRoot, signal);
  const args = [
    '--dataset',
    request.datasetDir,
    '--episodes',
    request.episodesDir,
    '--svd',
    request.svdPath,
    '--gpus',
    request.gpus.length ? request.gpus.join(',') : 'cpu',
    '--batch',
    String(request.batch ?? 64),
    '--new-session',
  ];
  const child = host.runner.spawn(host.target, kitArgv(dir, 'encode_latents.py', args, request.envSetup));
  child.stdin?.end();
  let pgid: number | undefined;
  let end: Extract<EncodeEvent, { event: 'end' }> | undefined;
  let fatal: Extract<EncodeEvent, { event: 'error' }> | undefined;
  const failures: Array<{ id: string; split: string; reason: string }> = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseEncodeLine(line.replace(/\r$/, ''));
      if (!event) continue;
      if (event.event === 'process') pgid = event.pgid;
      else if (event.event === 'end') end = event;
      else if (event.event === 'error') fatal ??= event;
      else if (event.event === 'episode' && event.status === 'failed')
        failures.push({ id: event.id, split: event.split, reason: event.reason ?? 'failed' });
      onEvent?.(event);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr.push(...chunk.split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - STDERR_TAIL_LINES));
  });

  const stop = async () => {
    // ssh without a terminal does not pass the hang-up on: the encoder's group is stopped by a second command.
    if (pgid !== undefined)
      await host.exec(['kill', '-TERM', '--', `-${pgid}`], { timeoutMs: 30_000 }).catch(() => undefined);
    child.kill('SIGTERM');
  };
  signal?.addEventListener('abort', () => void stop(), { once: true });
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(
        new UserFacingError(
          `Could not start ssh: ${error.message}.`,
          'Check that OpenSSH is installed and on PATH.',
          'spawn-failed',
        ),
      ),
    );
    child.on('close', (exitCode) => resolve(exitCode ?? -1));
  });
  if (signal?.aborted) throw new CancelledError();
  const detail = stderr.join('\n');
  if (host.target.kind === 'ssh' && code === 255 && !end) throw classifySshFailure(host.target.host, detail);
  const launch = kitLaunchFailure(host, code, detail);
  if (launch) throw launch;
  if (fatal)
    throw new EncodeError(
      `Encoding latents on ${host.label} failed: ${fatal.message}`,
      hintFor(fatal.code),
      fatal.code,
    );
  if (!end) {
    throw new EncodeError(
      `The latent encoder on ${host.label} stopped without finishing (exit status ${code})${detail ? `: ${stderr.slice(-3).join(' ')}` : ''}.`,
      "Run it again: finished latents are kept. Show Output has the encoder's last messages.",
      'encoder-died',
    );
  }
  return { encoded: end.encoded, failed: end.failed, skipped: end.skipped, failures };
}

function hintFor(code: string): string | undefined {
  switch (code) {
    case 'missing-module':
      return 'Set ctrlWorld.remote.envSetup to activate the Ctrl-World environment, or install the packages named.';
    case 'no-vae':
      return 'Check svd_model_path in the training config: it must be the stable-video-diffusion-img2vid folder on the host.';
    case 'busy':
      return 'Wait for the other encoder, or stop it, then run again.';
    case 'no-dataset':
      return 'Upload the converted metadata first (Convert Dataset, then Encode Latents on GPU Host).';
    default:
      return undefined;
  }
}
