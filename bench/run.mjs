// `npm run bench`: runs every bench/*.bench.ts (or those whose name matches the arguments) and prints their figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort();
console.log(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} (figures from a busy machine run slower)`,
);
let failed = 0;
for (const bench of benches) {
  console.log(`\n--- ${bench}`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', join(here, bench)], {
    stdio: 'inherit',
    cwd: join(here, '..'),
  });
  if (status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
