// What a training output folder holds, read in one round trip by remote-kit/outputs.py: checkpoints and
// validation samples (each marked while still being written), the disk left, and the run that claimed the folder.
import * as path from 'node:path';
import { UserFacingError } from '../errors';
import { isSafeName, resolveInside } from '../insideRoot';
import type { RemoteHost } from '../remote/remoteHost';
import { kitJson, runKit } from './kit';

/**
 * Why a file is not finished yet: a partial beside it, a size that changed during a second look, or a recent change.
 */
export type WritingReason = 'partial' | 'growing' | 'recent';

export interface OutputFile {
  readonly name: string;
  /** Absolute path on the host. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly writing?: WritingReason;
  /** False for a save under way that so far exists only as its partial file. */
  readonly exists: boolean;
}

export interface CheckpointFile extends OutputFile {
  readonly step: number;
}

export interface SampleFile extends OutputFile {
  readonly step: number;
  readonly index: number;
}

export interface OutputListing {
  readonly dir: string;
  readonly exists: boolean;
  /** By step, oldest first. */
  readonly checkpoints: readonly CheckpointFile[];
  /** Newest step first, then by index. */
  readonly samples: readonly SampleFile[];
  readonly disk: { readonly freeBytes: number; readonly totalBytes: number };
  /** The run whose launch claimed this folder (its log too, when it is still on the host). */
  readonly owner?: { readonly runId: string; readonly runDir: string; readonly logFile?: string };
}

export interface ListOptions {
  readonly signal?: AbortSignal;
  /** A file changed less than this long ago counts as still being written. */
  readonly settleSeconds?: number;
  /** How long the host waits before its second look at files that changed lately (0: no second look). */
  readonly secondLookSeconds?: number;
}

interface RawEntry {
  name: string;
  path: string;
  size: number;
  mtime: number;
  numbers: number[];
  writing: WritingReason | null;
  exists: boolean;
}

interface RawListing {
  dir: string;
  exists: boolean;
  checkpoints: RawEntry[];
  samples: RawEntry[];
  disk: { freeBytes: number; totalBytes: number };
  owner: { runId: string; runDir: string; logFile: string | null } | null;
}

function file(entry: RawEntry): OutputFile {
  return {
    name: entry.name,
    path: entry.path,
    size: entry.size,
    mtimeMs: Math.round(entry.mtime * 1000),
    exists: entry.exists,
    ...(entry.writing ? { writing: entry.writing } : {}),
  };
}

/** A name from the host that cannot be a local file name (a separator, "..", control characters). */
export class UnsafeHostNameError extends UserFacingError {
  constructor(what: string, name: string, where: string) {
    super(
      `The host gave ${what} ${JSON.stringify(name)} in ${where}, which cannot be a local file name; nothing was done with it.`,
      'Rename it on the host, or check who else writes to that folder.',
      'unsafe-host-name',
    );
  }
}

export function parseListing(raw: RawListing): OutputListing {
  // Names become local file names (downloads, the sample cache): checked here, where they enter.
  for (const entry of [...raw.checkpoints, ...raw.samples]) {
    if (!isSafeName(entry.name)) throw new UnsafeHostNameError('a file named', entry.name, raw.dir);
  }
  const checkpoints = raw.checkpoints
    .map((entry) => ({ ...file(entry), step: entry.numbers[0] }))
    .sort((a, b) => a.step - b.step);
  const samples = raw.samples
    .map((entry) => ({ ...file(entry), step: entry.numbers[0], index: entry.numbers[1] }))
    .sort((a, b) => b.step - a.step || a.index - b.index);
  const owner = raw.owner
    ? { runId: raw.owner.runId, runDir: raw.owner.runDir, ...(raw.owner.logFile ? { logFile: raw.owner.logFile } : {}) }
    : undefined;
  return {
    dir: raw.dir,
    exists: raw.exists,
    checkpoints,
    samples,
    disk: { freeBytes: raw.disk.freeBytes, totalBytes: raw.disk.totalBytes },
    ...(owner ? { owner } : {}),
  };
}

/** Lists an output folder (an absolute path on the host). */
export async function listOutputs(
  host: RemoteHost,
  registryRoot: string,
  dir: string,
  options: ListOptions = {},
): Promise<OutputListing> {
  if (!dir.startsWith('/'))
    throw new UserFacingError(
      `"${dir}" is not an absolute folder path.`,
      'Give the output folder as an absolute path on the host.',
      'bad-output-dir',
    );
  const args = [dir, String(options.settleSeconds ?? 10), String(options.secondLookSeconds ?? 1)];
  const result = await runKit(host, registryRoot, 'outputs.py', args, { signal: options.signal, timeoutMs: 60_000 });
  return parseListing(kitJson<RawListing>(result, `Listing ${dir}`, host));
}

/**
 * Marks files whose size or time differs from the previous listing as growing: a save that paused longer than the
 * host's second look is still caught on the next refresh.
 */
export function withPreviousListing(current: OutputListing, previous: OutputListing | undefined): OutputListing {
  if (!previous || previous.dir !== current.dir) return current;
  const before = new Map([...previous.checkpoints, ...previous.samples].map((f) => [f.path, f]));
  const mark = <T extends OutputFile>(f: T): T => {
    const old = before.get(f.path);
    return !f.writing && old && old.exists && (old.size !== f.size || old.mtimeMs !== f.mtimeMs)
      ? { ...f, writing: 'growing' }
      : f;
  };
  return { ...current, checkpoints: current.checkpoints.map(mark), samples: current.samples.map(mark) };
}

/** Only a finished file may be downloaded, fetched or resumed from. */
export function isFinished(entry: OutputFile): boolean {
  return entry.exists && entry.writing === undefined;
}

export interface SampleGroup {
  readonly step: number;
  readonly samples: readonly SampleFile[];
}

/** Samples grouped by the step that made them, newest first. */
export function sampleGroups(samples: readonly SampleFile[]): SampleGroup[] {
  const groups = new Map<number, SampleFile[]>();
  for (const sample of samples) {
    const group = groups.get(sample.step) ?? [];
    group.push(sample);
    groups.set(sample.step, group);
  }
  return [...groups.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([step, group]) => ({ step, samples: group.sort((a, b) => a.index - b.index) }));
}

/** The newest finished sample (lowest index of the newest validation), for a preview. */
export function newestSample(samples: readonly SampleFile[]): SampleFile | undefined {
  for (const group of sampleGroups(samples)) {
    const done = group.samples.find(isFinished);
    if (done) return done;
  }
  return undefined;
}

/** The finished checkpoint at `step`, or a clear refusal: a file still being written is never downloaded or resumed. */
export function finishedCheckpoint(listing: OutputListing, step: number): CheckpointFile {
  const checkpoint = listing.checkpoints.find((c) => c.step === step);
  if (!checkpoint)
    throw new UserFacingError(
      `${listing.dir} holds no checkpoint-${step}.pt.`,
      'Refresh the checkpoints list.',
      'no-checkpoint',
    );
  if (!isFinished(checkpoint)) {
    throw new UserFacingError(
      `checkpoint-${step}.pt is still being written.`,
      'Wait until the trainer has finished saving it (the list shows "writing" until then).',
      'checkpoint-writing',
    );
  }
  return checkpoint;
}

/** `{folder}/{output folder's name}/{checkpoint name}`: both names come from the host and must be plain names. */
export function checkpointDestination(folder: string, outputDir: string, name: string): string {
  const runFolder = outputDir.split('/').filter(Boolean).pop() ?? 'checkpoints';
  if (!isSafeName(runFolder)) throw new UnsafeHostNameError('the output folder', runFolder, outputDir);
  if (!isSafeName(name)) throw new UnsafeHostNameError('the checkpoint', name, outputDir);
  return resolveInside(folder, path.join(runFolder, name), `The checkpoint ${name} of ${outputDir}`);
}
