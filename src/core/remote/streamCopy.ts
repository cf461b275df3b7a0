// The copy that needs nothing but ssh on the host: `tail -c +N` streams the file from a byte offset through the one
// runner into the local .part file, so an interrupted copy resumes from its size.
import { createWriteStream } from 'node:fs';
import { CancelledError, UserFacingError } from '../errors';
import { classifySshFailure } from './runner';
import type { RemoteHost } from './remoteHost';
import { PROGRESS_EVERY_MS, type CopyJob } from './copyJob';

export function streamFrom(host: RemoteHost, job: CopyJob): Promise<void> {
  return new Promise((resolve, reject) => {
    if (job.signal?.aborted) return reject(new CancelledError());
    const child = host.runner.spawn(host.target, ['tail', '-c', `+${job.offset + 1}`, '--', job.remotePath]);
    child.stdin?.end();
    const out = createWriteStream(job.part, { flags: 'a' });
    const stdout = child.stdout!;
    let bytes = job.offset;
    let lastReport = 0;
    let stderr = '';
    let holds = 0;
    const started = Date.now();
    const hold = () => {
      if (holds++ === 0) stdout.pause();
    };
    const release = () => {
      if (--holds === 0) stdout.resume();
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!out.write(chunk)) {
        hold();
        out.once('drain', release);
      }
      const limit = (job.bandwidthLimitKiBps ?? 0) * 1024;
      const ahead = limit > 0 ? ((bytes - job.offset) / limit) * 1000 - (Date.now() - started) : 0;
      if (ahead > 20) {
        hold();
        setTimeout(release, ahead);
      }
      if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        job.onBytes(bytes);
      }
    });
    const onAbort = () => child.kill('SIGTERM');
    job.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      job.signal?.removeEventListener('abort', onAbort);
      out.end(() =>
        reject(
          new UserFacingError(
            `Could not start the copy: ${error.message}.`,
            'Check that OpenSSH is installed and on PATH.',
            'spawn-failed',
          ),
        ),
      );
    });
    child.on('close', (code) => {
      job.signal?.removeEventListener('abort', onAbort);
      // Everything received is on disk before anyone looks at the .part file's size.
      out.end(() => {
        job.onBytes(bytes);
        if (job.signal?.aborted) return reject(new CancelledError());
        if (code === 0) return resolve();
        if (host.target.kind === 'ssh' && code === 255) return reject(classifySshFailure(host.target.host, stderr));
        if (/No such file or directory/.test(stderr))
          return reject(
            new UserFacingError(
              `${job.remotePath} was not found on ${host.label}.`,
              'Refresh the list.',
              'remote-missing',
            ),
          );
        reject(
          new UserFacingError(
            `Copying ${job.remotePath} from ${host.label} failed: ${stderr.trim().split('\n').pop() ?? `exit status ${code}`}`,
            'Start the download again: it resumes from there.',
            'copy-failed',
          ),
        );
      });
    });
  });
}
