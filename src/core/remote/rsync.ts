// rsync for resumable copies: whether this machine has it, and one copy with --append-verify, whose progress is
// read from the size of the file it grows in place.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { CancelledError, UserFacingError } from '../errors';
import { SshError } from './runner';
import type { RemoteHost } from './remoteHost';
import { PROGRESS_EVERY_MS, type CopyJob } from './copyJob';

let availableHere: Promise<boolean> | undefined;

export function rsyncAvailableHere(): Promise<boolean> {
  availableHere ??= new Promise((resolve) => {
    const child = spawn('rsync', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
  return availableHere;
}

/** `sshCommand` is the ssh command line rsync starts (the runner's options), undefined for this machine. */
export function runRsync(host: RemoteHost, sshCommand: string | undefined, job: CopyJob): Promise<void> {
  const source = host.target.kind === 'local' ? job.remotePath : `${host.target.host}:${job.remotePath}`;
  const args = [
    // Appends to what an earlier copy brought, then checks the whole file's checksum (and copies anew if it differs).
    '--append-verify',
    '--protect-args',
    '--timeout=60',
    ...(job.bandwidthLimitKiBps ? [`--bwlimit=${Math.max(1, Math.round(job.bandwidthLimitKiBps))}`] : []),
    ...(sshCommand ? ['-e', sshCommand] : []),
    '--',
    source,
    job.part,
  ];
  return new Promise((resolve, reject) => {
    if (job.signal?.aborted) return reject(new CancelledError());
    const child = spawn('rsync', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const poll = setInterval(
      () =>
        void stat(job.part).then(
          (info) => job.onBytes(info.size),
          () => undefined,
        ),
      PROGRESS_EVERY_MS,
    );
    const onAbort = () => child.kill('SIGTERM');
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (error?: Error) => {
      clearInterval(poll);
      job.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    child.on('error', (error) =>
      done(
        new UserFacingError(
          `Could not start rsync: ${error.message}.`,
          'Set ctrlWorld.transfer.method to "ssh".',
          'spawn-failed',
        ),
      ),
    );
    child.on('close', (code) => {
      if (job.signal?.aborted) return done(new CancelledError());
      if (code === 0) return done();
      const detail = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ') || `exit status ${code}`;
      if (/No such file or directory/.test(stderr))
        return done(
          new UserFacingError(
            `${job.remotePath} was not found on ${host.label}.`,
            'Refresh the list.',
            'remote-missing',
          ),
        );
      done(
        new SshError(
          `rsync from ${host.label} stopped: ${detail}`,
          'Start the download again: it resumes from there.',
          'dropped',
          host.label,
        ),
      );
    });
  });
}
