// Writes a file so that readers see either the old content or the new, never a half-written one, and so that the
// file stays what the user made it: a symbolic link keeps pointing at its target, a file keeps its mode.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UserFacingError } from './errors';

/** The output cannot be written (read-only folder or file, no permission, no space): names the path. */
export class WriteError extends UserFacingError {
  constructor(
    readonly file: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(
      `Cannot write to ${file}: ${describeCode(cause)}.`,
      'Check that the folder exists and is writable, or choose another one.',
      'cannot-write',
    );
  }
}

/**
 * Writes `data` to `file`. A symbolic link is followed and its target written (a rename would replace the
 * link by a plain file). A new file gets the default mode; an existing one keeps its mode (600 stays private,
 * 444 stays read-only to others). The data is fsynced before the rename and the folder after it, so a crash
 * leaves the old file or the new one.
 *
 * A file with several hard links is written in place: a rename would give this name a new file and silently
 * detach the other names, which is exactly what someone who linked it did not want. In place is not atomic,
 * so the new content is first written and fsynced beside it; a crash mid-copy leaves that copy to recover from.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = await linkTarget(file);
  try {
    const existing = await stat(target).catch(() => undefined);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    try {
      await writeSynced(temp, data, existing ? existing.mode & 0o7777 : undefined, 'wx');
      if (existing && existing.nlink > 1) {
        await writeSynced(target, data, undefined, 'r+');
        await rm(temp, { force: true });
      } else {
        await rename(temp, target);
        await syncFolder(path.dirname(target));
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  } catch (error) {
    throw toWriteError(target, error);
  }
}

/** The file a symbolic link finally points at (a dangling link's target is created); else `file` itself. */
async function linkTarget(file: string): Promise<string> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isSymbolicLink()) return file;
  try {
    return await realpath(file);
  } catch {
    // A dangling link: create what it points at, as a plain write through the link would.
    return path.resolve(path.dirname(file), await readlink(file));
  }
}

async function writeSynced(
  file: string,
  data: string | Uint8Array,
  mode: number | undefined,
  flags: 'wx' | 'r+',
): Promise<void> {
  const handle = await open(file, flags, mode ?? 0o666);
  try {
    if (flags === 'r+') await handle.truncate(0);
    // open()'s mode is masked by the umask; an existing file's mode is restored exactly.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY).catch(() => undefined);
  // Some filesystems refuse to fsync a folder; the rename itself has happened either way.
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

function toWriteError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code &&
    ['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EISDIR', 'EEXIST'].includes(code)
    ? new WriteError(file, error as NodeJS.ErrnoException)
    : error;
}

function describeCode(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the filesystem is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return 'a folder on the way cannot be created';
  }
}
