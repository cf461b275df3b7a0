// Copies a file from a host to this machine and resumes an interrupted copy where it stopped: rsync --append-verify
// when both sides have rsync, else a byte-offset stream through the one runner (`tail -c +N` over ssh), the way logs
// are read. The copy grows in <file>.part beside a note of its source, and becomes <file> only when complete,
// without ever replacing an existing file unless told to.
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, UserFacingError } from '../errors';
import { formatBytes } from '../format';
import { shellCommand } from './quote';
import { SshError } from './runner';
import type { RemoteHost } from './remoteHost';
import { runRsync, rsyncAvailableHere } from './rsync';
import { streamFrom } from './streamCopy';

export type TransferMethod = 'rsync' | 'ssh';

export interface DownloadProgress {
  readonly bytes: number;
  readonly total: number;
  /** Bytes an earlier, interrupted copy had already brought. */
  readonly resumedFrom: number;
  readonly method: TransferMethod;
}

export interface DownloadOptions {
  /** 'auto' uses rsync where both sides have it. */
  readonly method?: 'auto' | TransferMethod;
  /** KiB/s; 0 or undefined: no limit. */
  readonly bandwidthLimitKiBps?: number;
  /** Replace an existing local file; without it an existing file is an error. */
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult extends DownloadProgress {
  readonly path: string;
}

export class DestinationExistsError extends UserFacingError {
  constructor(readonly path: string) {
    super(
      `${path} already exists.`,
      'Choose another folder, or confirm that it may be replaced.',
      'destination-exists',
    );
  }
}

interface RemoteFile {
  readonly size: number;
  readonly mtime: number;
  readonly rsync: boolean;
}

/** What a .part file was copied from: resuming is only right from the very same file. */
interface PartNote {
  readonly source: string;
  readonly size: number;
  readonly mtime: number;
}

async function remoteFile(host: RemoteHost, remotePath: string, signal?: AbortSignal): Promise<RemoteFile> {
  const script = 'stat -L -c "%s %Y" -- "$1" || exit 3; if command -v rsync >/dev/null 2>&1; then echo rsync; fi';
  const result = await host.exec(['sh', '-c', script, 'sh', remotePath], { signal, timeoutMs: 60_000 });
  const [sizeText, mtimeText] = result.stdout.trim().split(/\s+/);
  if (result.code !== 0 || !/^\d+$/.test(sizeText ?? '')) {
    throw new UserFacingError(
      `${remotePath} was not found on ${host.label}.`,
      'Refresh the list: the file may have been moved or deleted.',
      'remote-missing',
    );
  }
  return { size: Number(sizeText), mtime: Number(mtimeText), rsync: /\nrsync$/.test(result.stdout.trim()) };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (info) => info.size,
    () => 0,
  );
}

/** The bytes of an earlier copy of the same source to build on, or 0 after clearing a stale one. */
async function resumableBytes(part: string, note: PartNote): Promise<number> {
  const existing = await readFile(`${part}.json`, 'utf8').then(
    (text) => JSON.parse(text) as PartNote,
    () => undefined,
  );
  const bytes = await sizeOf(part);
  if (
    existing &&
    existing.source === note.source &&
    existing.size === note.size &&
    existing.mtime === note.mtime &&
    bytes <= note.size
  )
    return bytes;
  await rm(part, { force: true });
  await writeFile(`${part}.json`, JSON.stringify(note));
  return 0;
}

/** Moves the complete copy into place; link() fails rather than replace a file that appeared meanwhile. */
async function finish(part: string, destination: string, overwrite: boolean): Promise<void> {
  try {
    await link(part, destination);
    await rm(part);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !overwrite) throw new DestinationExistsError(destination);
    if (code !== 'EEXIST' && !overwrite && (await exists(destination))) throw new DestinationExistsError(destination);
    await rename(part, destination);
  }
  await rm(`${part}.json`, { force: true });
}

async function chooseMethod(
  requested: DownloadOptions['method'],
  remote: RemoteFile,
  host: RemoteHost,
): Promise<TransferMethod> {
  if (requested === 'ssh') return 'ssh';
  const here = await rsyncAvailableHere();
  // rsync reads its -e command with its own simple quoting, which has no escape for a single quote.
  const sshCommandOk =
    host.target.kind === 'local' || !host.runner.sshOptions(host.target.host).some((arg) => arg.includes("'"));
  if (here && remote.rsync && sshCommandOk) return 'rsync';
  if (requested === 'rsync') {
    throw new UserFacingError(
      `rsync is not available ${here ? `on ${host.label}` : 'on this machine'}.`,
      'Set ctrlWorld.transfer.method to "auto" to copy over ssh instead.',
      'no-rsync',
    );
  }
  return 'ssh';
}

export async function download(
  host: RemoteHost,
  remotePath: string,
  destination: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  if (options.signal?.aborted) throw new CancelledError();
  if (!options.overwrite && (await exists(destination))) throw new DestinationExistsError(destination);
  await mkdir(path.dirname(destination), { recursive: true });
  const remote = await remoteFile(host, remotePath, options.signal);
  const method = await chooseMethod(options.method ?? 'auto', remote, host);
  const part = `${destination}.part`;
  const resumedFrom = await resumableBytes(part, {
    source: `${host.key}:${remotePath}`,
    size: remote.size,
    mtime: remote.mtime,
  });
  const report = (bytes: number) => options.onProgress?.({ bytes, total: remote.size, resumedFrom, method });
  report(resumedFrom);
  const copy = {
    remotePath,
    part,
    offset: resumedFrom,
    bandwidthLimitKiBps: options.bandwidthLimitKiBps,
    signal: options.signal,
    onBytes: report,
  };
  if (method === 'rsync') {
    const sshCommand =
      host.target.kind === 'ssh' ? shellCommand(['ssh', ...host.runner.sshOptions(host.target.host)]) : undefined;
    await runRsync(host, sshCommand, copy);
  } else {
    await streamFrom(host, copy);
  }
  const copied = await sizeOf(part);
  if (copied !== remote.size) {
    throw new SshError(
      `The copy of ${path.basename(remotePath)} from ${host.label} stopped at ${formatBytes(copied)} of ${formatBytes(remote.size)}.`,
      'Start the download again: it resumes from there.',
      'dropped',
      host.label,
    );
  }
  const after = await remoteFile(host, remotePath, options.signal);
  if (after.size !== remote.size || after.mtime !== remote.mtime) {
    await rm(part, { force: true });
    await rm(`${part}.json`, { force: true });
    throw new UserFacingError(
      `${remotePath} changed on ${host.label} while it was being copied.`,
      'Wait until the trainer has finished writing it, then download it again.',
      'remote-changed',
    );
  }
  await finish(part, destination, options.overwrite ?? false);
  report(remote.size);
  return { path: destination, bytes: remote.size, total: remote.size, resumedFrom, method };
}
