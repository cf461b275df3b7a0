// Copies files to the GPU host as one tar stream through the one runner: the converted metadata (annotations and
// meta files) and, when the user asks, the HDF5 episodes the encoder reads.
import { spawn } from 'node:child_process';
import { CancelledError, UserFacingError } from '../errors';
import type { RemoteHost } from '../remote/remoteHost';
import { untarInto } from '../remote/scripts';

/**
 * Sends `entries` (paths relative to `localDir`) into `remoteDir` on the host, creating it; existing files are
 * replaced.
 */
export async function uploadFiles(
  host: RemoteHost,
  localDir: string,
  entries: readonly string[],
  remoteDir: string,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw new CancelledError();
  if (entries.length === 0) return;
  const pack = spawn('tar', ['-C', localDir, '-cf', '-', '--', ...entries], { stdio: ['ignore', 'pipe', 'pipe'] });
  const unpack = host.runner.spawn(host.target, untarInto(remoteDir));
  pack.stdout.pipe(unpack.stdin!);
  const errors = { pack: '', unpack: '' };
  pack.stderr.on('data', (chunk: Buffer) => {
    errors.pack += chunk.toString();
  });
  unpack.stderr?.on('data', (chunk: Buffer) => {
    errors.unpack += chunk.toString();
  });
  const abort = () => {
    pack.kill('SIGTERM');
    unpack.kill('SIGTERM');
  };
  signal?.addEventListener('abort', abort, { once: true });
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<number>((resolve) => {
      child.on('error', () => resolve(-1));
      child.on('close', (code) => resolve(code ?? -1));
    });
  const [packed, unpacked] = await Promise.all([exit(pack), exit(unpack)]);
  signal?.removeEventListener('abort', abort);
  if (signal?.aborted) throw new CancelledError();
  if (packed !== 0) {
    throw new UserFacingError(
      `Packing ${localDir} for ${host.label} failed: ${errors.pack.trim().split('\n').pop() || `tar exit status ${packed}`}.`,
      'Check that tar is installed and the files are readable.',
      'upload-failed',
    );
  }
  if (unpacked !== 0) {
    throw new UserFacingError(
      `Copying to ${remoteDir} on ${host.label} failed: ${errors.unpack.trim().split('\n').pop() || `exit status ${unpacked}`}.`,
      'Check that the folder is writable and the disk has room.',
      'upload-failed',
    );
  }
}
