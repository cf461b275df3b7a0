// The remote kit: the small scripts the extension copies to the GPU host once per version and runs there.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecResult } from '../remote/runner';
import { ENV_SETUP_FAILED, RUN_ENV_SETUP, type RemoteHost } from '../remote/remoteHost';
import { UserFacingError } from '../errors';
import { installExecutable, pythonInFolder, touchFile } from '../remote/scripts';

export const KIT_FILES = [
  'runs.py',
  'slurm_jobs.py',
  'probe.py',
  'trainer_probe.py',
  'supervise.sh',
  'outputs.py',
  'encode_latents.py',
  'converted_snapshot.py',
  'latent_file.py',
  'wandb_sync.py',
] as const;
/** The kit's entry points; the others are a shell script and modules they import. */
export type KitScript = Exclude<(typeof KIT_FILES)[number], 'supervise.sh' | 'latent_file.py' | 'slurm_jobs.py'>;
const NOT_INSTALLED = 97;
/** The code of the error for a kit that `via` runs where the kit's folder is not visible. */
export const KIT_NOT_SHARED = 'kit-not-shared';

export interface Kit {
  readonly version: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Finds remote-kit/ beside the bundle (dist/ in the VSIX) or the sources (src/core/training when run by tsx). */
export function findKitDir(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'remote-kit');
    if (existsSync(path.join(candidate, 'runs.py'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`remote-kit/ was not found above ${start}`);
  }
}

let cached: Kit | undefined;

/** The kit's files and a version that changes whenever any of them does. */
export function loadKit(dir = findKitDir()): Kit {
  if (cached) return cached;
  const hash = createHash('sha256');
  const files = new Map<string, string>();
  for (const name of KIT_FILES) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    files.set(name, text);
    hash.update(name).update('\0').update(text).update('\0');
  }
  cached = { version: hash.digest('hex').slice(0, 12), files };
  return cached;
}

/** Where the registry keeps the kit on a host. */
export function kitDirOnHost(registryRoot: string, kit: Kit): string {
  return `${registryRoot}/kit/${kit.version}`;
}

async function installKit(host: RemoteHost, dir: string, kit: Kit, signal?: AbortSignal): Promise<void> {
  for (const [name, text] of kit.files) {
    const result = await host.exec(installExecutable(dir, name), { input: text, signal, timeoutMs: 60_000 });
    if (result.code !== 0)
      throw new UserFacingError(
        `Could not copy ${name} to ${dir} on ${host.label}: ${result.stderr.trim()}`,
        'Check that the home folder on the host is writable and not full.',
        'kit-install',
      );
  }
  await host.exec(touchFile(dir, '.complete'), { signal, timeoutMs: 30_000 });
}

export interface KitRunOptions {
  readonly input?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** A shell command run first (e.g. activating the training Python environment). */
  readonly envSetup?: string;
  /** A command that runs the kit elsewhere, such as srun on a compute node; the kit's folder must be seen there. */
  readonly via?: readonly string[];
}

/**
 * Runs a kit script with the host's python3, copying the kit first when this version is not there yet
 * (detected by the script itself, so the usual case costs no extra round trip).
 */
export async function runKit(
  host: RemoteHost,
  registryRoot: string,
  script: KitScript,
  args: readonly string[],
  options: KitRunOptions = {},
): Promise<ExecResult> {
  const kit = loadKit();
  const dir = kitDirOnHost(registryRoot, kit);
  const argv = [...(options.via ?? []), ...kitArgv(dir, script, args, options.envSetup)];
  const execOptions = { input: options.input, signal: options.signal, timeoutMs: options.timeoutMs ?? 120_000 };
  let result = await host.exec(argv, execOptions);
  if (result.code === NOT_INSTALLED) {
    await installKit(host, dir, kit, options.signal);
    result = await host.exec(argv, execOptions);
  }
  // Copied a moment ago, yet missing where `via` ran it: that place does not share the registry folder.
  if (result.code === NOT_INSTALLED && options.via)
    throw new UserFacingError(
      `${dir} on ${host.label} is not visible where ${options.via[0]} runs: ${result.stderr.trim()}`,
      'Set ctrlWorld.remote.registryFolder to a folder on a filesystem that place shares.',
      KIT_NOT_SHARED,
    );
  const failure = kitLaunchFailure(host, result.code, result.stderr);
  if (failure) throw failure;
  return result;
}

/** The command line that runs a kit script with the host's python3 after the environment setup; exit 97: no kit. */
export function kitArgv(dir: string, script: KitScript, args: readonly string[], envSetup?: string): string[] {
  return pythonInFolder(dir, script, args, envSetup, {
    runSetup: RUN_ENV_SETUP,
    missing: NOT_INSTALLED,
    setupFailed: ENV_SETUP_FAILED,
  });
}

/** The launcher's own failures (environment setup, no python3) as errors that say what to fix. */
export function kitLaunchFailure(host: RemoteHost, code: number, stderr: string): UserFacingError | undefined {
  if (code === ENV_SETUP_FAILED) {
    return new UserFacingError(
      `The environment setup command failed on ${host.label}: ${stderr.trim().split('\n').pop() ?? ''}`,
      'Fix the ctrlWorld.remote.envSetup setting (e.g. "source ~/miniconda3/bin/activate ctrl-world").',
      'env-setup',
    );
  }
  if (code === 127 && /python3/.test(stderr)) {
    return new UserFacingError(
      `python3 was not found on ${host.label}.`,
      'Install python3 on the host, or make it reachable from a non-interactive shell.',
      'no-python',
    );
  }
  return undefined;
}

/** Copies this version of the kit to the host unless it is there already; returns its folder there. */
export async function ensureKit(host: RemoteHost, registryRoot: string, signal?: AbortSignal): Promise<string> {
  const kit = loadKit();
  const dir = kitDirOnHost(registryRoot, kit);
  const present = await host.exec(['test', '-f', `${dir}/.complete`], { signal, timeoutMs: 60_000 });
  if (present.code !== 0) await installKit(host, dir, kit, signal);
  return dir;
}

/** The JSON a kit script printed; its own refusals ({"error", "message"}) become user-facing errors. */
export function kitJson<T>(result: ExecResult, what: string, host: RemoteHost): T {
  let value: unknown;
  try {
    value = JSON.parse(result.stdout);
  } catch {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    throw new UserFacingError(
      `${what} failed on ${host.label}: ${detail || `exit status ${result.code}`}`,
      'Show Output has the details; check that python3 (3.6 or later) works on the host.',
      'kit-failed',
    );
  }
  if (value && typeof value === 'object' && 'error' in value && 'message' in value) {
    const refusal = value as { error: string; message: string };
    throw new UserFacingError(refusal.message, undefined, refusal.error);
  }
  return value as T;
}
