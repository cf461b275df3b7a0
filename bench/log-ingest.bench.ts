// Log ingest of a 100k-step Ctrl-World log (one tqdm update per step: ~101k carriage-return lines, ~10 MB): the
// parser and the metric series alone, then the whole path from a file on the real sshd host read by byte offset
// in 1 MiB chunks, and one incremental poll that reads only what the log gained.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LogParser } from '../src/core/training/logParser';
import { RunMetrics } from '../src/core/training/metrics';
import { ctrlWorldLog } from '../test/support/ctrlWorldLog';
import { startTrainingHost } from '../test/support/trainingHost';

const STEPS = 100_000;
const CHUNK = 1 << 20;
const ROUNDS = 5;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function ingestText(text: Buffer): { ms: number; metrics: RunMetrics; lines: number } {
  const started = performance.now();
  const parser = new LogParser();
  const metrics = new RunMetrics();
  const decoder = new StringDecoder('utf8');
  for (let offset = 0; offset < text.length; offset += CHUNK) {
    metrics.ingest(parser.push(decoder.write(text.subarray(offset, offset + CHUNK))));
    metrics.takeUpdates();
  }
  metrics.ingest(parser.end());
  const ms = performance.now() - started;
  return { ms, metrics, lines: text.toString('utf8').split(/\r|\n/).length };
}

async function main(): Promise<void> {
  const log = ctrlWorldLog(STEPS);
  const bytes = Buffer.from(log.text, 'utf8');
  const mb = bytes.length / 1048576;
  const runs = Array.from({ length: ROUNDS }, () => ingestText(bytes));
  const { metrics, lines } = runs[0];
  const snapshot = metrics.snapshot();
  const ms = median(runs.map((run) => run.ms));
  console.log(
    `log: ${STEPS.toLocaleString('en-US')} steps, ${lines.toLocaleString('en-US')} lines (carriage returns and newlines), ${mb.toFixed(1)} MiB`,
  );
  console.log(
    `parse + series in memory: median ${ms.toFixed(0)} ms over ${ROUNDS} rounds = ${Math.round(lines / (ms / 1000)).toLocaleString('en-US')} lines/s, ${(mb / (ms / 1000)).toFixed(0)} MiB/s`,
  );
  console.log(
    `series: ${snapshot.loss.steps.length} train_loss points, ${snapshot.rate.steps.length.toLocaleString('en-US')} step-rate points; heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`,
  );

  const training = await startTrainingHost();
  try {
    const file = path.join(training.tree.root, 'runs', 'bench', 'train.log');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const record = { logFile: file };
    await training.registry.readLog(record, 0, 1); // opens the multiplexed connection outside the timing
    const remote: number[] = [];
    let chunks = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const parser = new LogParser();
      const remoteMetrics = new RunMetrics();
      const decoder = new StringDecoder('utf8');
      let offset = 0;
      chunks = 0;
      while (true) {
        const chunk = await training.registry.readLog(record, offset, CHUNK);
        if (chunk.bytes.length === 0) break;
        chunks += 1;
        offset = chunk.nextOffset;
        remoteMetrics.ingest(parser.push(decoder.write(chunk.bytes)));
      }
      remoteMetrics.ingest(parser.end());
      remote.push(performance.now() - started);
      if (remoteMetrics.snapshot().loss.steps.length !== snapshot.loss.steps.length)
        throw new Error('the remote ingest lost points');
    }
    console.log(
      `whole log over SSH (sshd on 127.0.0.1, ${chunks} reads of up to 1 MiB by byte offset) + parse + series: median ${median(remote).toFixed(0)} ms`,
    );
    const polls: number[] = [];
    let offset = bytes.length;
    for (let round = 0; round < 10; round++) {
      const more = Buffer.from(ctrlWorldLog(10).text.slice(-400));
      await appendFile(file, more);
      const started = performance.now();
      const chunk = await training.registry.readLog(record, offset, CHUNK);
      polls.push(performance.now() - started);
      if (chunk.bytes.length !== more.length)
        throw new Error(`an incremental read brought ${chunk.bytes.length} bytes, not ${more.length}`);
      offset = chunk.nextOffset;
    }
    console.log(
      `one incremental poll of a ${(bytes.length / 1048576).toFixed(1)} MiB log that grew by 400 B: reads exactly 400 B, median ${median(polls).toFixed(1)} ms per round trip`,
    );
  } finally {
    await training.stop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
