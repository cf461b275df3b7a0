// The private folder that holds ControlMaster sockets: whoever can open a socket there can use the connection.
import { lstat, mkdir, chmod } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserFacingError } from '../errors';

/**
 * Unix socket paths stop at 104 bytes (macOS; 108 on Linux); ssh adds the 40-character %C hash and a 17-character temp
 * suffix.
 */
const MAX_CONTROL_DIR_LENGTH = 104 - 1 - 40 - 17;

/**
 * A short path under the temp folder (a folder under VS Code's global storage is too long for a socket), or under
 * /tmp when even that is too long. One folder per user, shared by the extension and the CLI so they reuse connections.
 */
export function defaultControlDir(): string {
  const name = `cwf-ssh-${os.userInfo().uid}`;
  const preferred = path.join(os.tmpdir(), name);
  return preferred.length <= MAX_CONTROL_DIR_LENGTH ? preferred : path.join('/tmp', name);
}

/** Creates the folder 0700 or checks that an existing one is ours, a real folder and private. */
export async function ensurePrivateDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = os.userInfo().uid;
  if (!info.isDirectory() || info.isSymbolicLink() || (uid >= 0 && info.uid !== uid)) {
    throw new UserFacingError(
      `The SSH socket folder ${dir} is not a private folder of yours.`,
      'Remove it (or set TMPDIR to another folder) and try again.',
      'control-dir',
    );
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return dir;
}
