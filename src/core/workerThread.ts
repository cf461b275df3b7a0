// Starting the worker threads of core (dataset scans, video quality): the bundled script beside the code in dist/,
// or its TypeScript source when run from sources (tests, benchmarks, the CLI through tsx).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** `<name>.js` in `dir` (the bundle), else `<name>.ts` there (the sources); undefined when neither exists. */
export function workerScript(dir: string, name: string): string | undefined {
  return [`${name}.js`, `${name}.ts`].map((file) => path.join(dir, file)).find((file) => fs.existsSync(file));
}

/** The bundle runs as it is; the TypeScript source is loaded through tsx's require hook. */
export function startWorkerThread(file: string): Worker {
  if (!file.endsWith('.ts')) return new Worker(file);
  const hook = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`, { eval: true });
}
