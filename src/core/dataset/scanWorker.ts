// A worker thread that summarizes episode files for the scan pool (h5wasm reads are synchronous and CPU-bound).
import { parentPort } from 'node:worker_threads';
import { summarizeEpisode } from './summarize';
import type { ScanRequest, ScanReply } from './scanPool';

parentPort?.on('message', (request: ScanRequest) => {
  summarizeEpisode(request.entry, request.options).then(
    (summary) => parentPort!.postMessage({ id: request.id, summary } satisfies ScanReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ScanReply),
  );
});
