// A worker thread that scores validation videos for QualityThread: SSIM over a whole video is seconds of
// synchronous arithmetic, which must not hold up the editor's thread.
import { parentPort } from 'node:worker_threads';
import { CancelledError, UserFacingError } from '../errors';
import { sampleQuality } from './sampleQuality';
import type { QualityReply, QualityRequest } from './qualityThread';

const running = new Map<number, AbortController>();

parentPort?.on('message', (request: QualityRequest) => {
  if (request.type === 'abort') {
    running.get(request.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  sampleQuality(request.file, request.layout, request.tools, controller.signal)
    .then(
      (result) => parentPort!.postMessage({ id: request.id, result } satisfies QualityReply),
      (error: unknown) =>
        parentPort!.postMessage({
          id: request.id,
          error:
            error instanceof CancelledError
              ? { message: error.message, code: 'cancelled' }
              : error instanceof UserFacingError
                ? { message: error.message, hint: error.hint, code: error.code }
                : { message: error instanceof Error ? error.message : String(error) },
        } satisfies QualityReply),
    )
    .finally(() => running.delete(request.id));
});
