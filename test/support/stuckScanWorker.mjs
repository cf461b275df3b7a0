// A scan worker for ScanPool's tests: it answers at once, except for files whose name starts with "stuck", where
// it blocks its thread for good, like a worker inside an HDF5 call that never returns.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (request) => {
  if (request.entry.relative.startsWith('stuck')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  const { path, relative: file, sizeBytes, mtimeMs } = request.entry;
  parentPort.postMessage({
    id: request.id,
    summary: { path, file, sizeBytes, mtimeMs, frames: 1, fps: 30, fpsFromFile: false, cameras: [], arrays: {} },
  });
});
