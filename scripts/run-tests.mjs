// Runs the test layers (unit, integration, e2e) with node's test runner and prints one closing count.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [--grep PATTERN]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = {
  unit: { dir: 'test/unit', concurrency: 2, timeoutMs: 60_000 },
  integration: { dir: 'test/integration', concurrency: 2, timeoutMs: 300_000 },
  // One code-server at a time: two would starve each other on a 2-core machine.
  e2e: { dir: 'test/e2e', concurrency: 1, timeoutMs: 600_000 },
};

const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex >= 0 ? new RegExp(args.splice(grepIndex, 2)[1]) : undefined;
const selected = args.length > 0 ? args : Object.keys(LAYERS);
for (const layer of selected)
  if (!(layer in LAYERS)) throw new Error(`Unknown test layer "${layer}"; use ${Object.keys(LAYERS).join(', ')}.`);

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((entry) => {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) return entry === 'support' ? [] : testFiles(full);
      return entry.endsWith('.test.ts') && (!grep || grep.test(relative(root, full))) ? [full] : [];
    })
    .sort();
}

function runLayer(name) {
  const layer = LAYERS[name];
  const files = testFiles(join(root, layer.dir));
  if (files.length === 0) return Promise.resolve({ pass: 0, fail: 0, skipped: 0 });
  const work = mkdtempSync(join(tmpdir(), 'cwf-tap-'));
  const tapFile = join(work, 'report.tap');
  console.log(`\n=== ${name} tests (${files.length} files) ===`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${layer.concurrency}`,
      `--test-timeout=${layer.timeoutMs}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      const tap = readFileSync(tapFile, 'utf8');
      rmSync(work, { recursive: true, force: true });
      const count = (key) => Number((tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
      const result = {
        pass: count('pass'),
        fail: count('fail') + count('cancelled'),
        skipped: count('skipped') + count('todo'),
      };
      // A runner that died without reporting failures still fails the layer.
      if (code !== 0 && result.fail === 0) result.fail = 1;
      resolve(result);
    }),
  );
}

/**
 * Chromium and code-server (`setup.sh browser`, minutes on a fresh machine) are installed while the unit and
 * integration tests run; the e2e layer waits for them. Their output is shown only when the install fails.
 */
function installBrowserPrerequisites() {
  const child = spawn('bash', [join(root, 'scripts', 'setup.sh'), 'browser'], { cwd: root });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const started = Date.now();
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      if (code === 0)
        console.log(`\nChromium and code-server for the e2e tests: ready (${seconds} s, alongside the tests)`);
      else console.log(`\nInstalling Chromium and code-server failed (exit ${code}) after ${seconds} s:\n${output}`);
      resolve(code === 0);
    }),
  );
}

const browserReady = selected.includes('e2e') ? installBrowserPrerequisites() : Promise.resolve(true);
const totals = { pass: 0, fail: 0, skipped: 0 };
for (const layer of selected) {
  if (layer === 'e2e' && !(await browserReady)) {
    console.log('e2e: not run, its prerequisites are missing (above)');
    totals.fail += 1;
    continue;
  }
  const result = await runLayer(layer);
  console.log(`${layer}: ${result.pass} passed, ${result.fail} failed, ${result.skipped} skipped`);
  for (const key of Object.keys(totals)) totals[key] += result[key];
}
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exitCode = totals.fail > 0 || totals.pass === 0 ? 1 : 0;
