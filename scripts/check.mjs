// The static checks of `npm run build`: the three type checks, ESLint and the formatters, two at a time (each is one
// busy core; one after another they took twice as long). A check's output is shown when it fails.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHECKS = [
  ['types of the test suite', 'tsc', '--noEmit', '-p', 'test'],
  ['lint', 'eslint', 'src', 'webview-ui', 'test', 'bench', 'scripts'],
  ['types of the extension and CLI', 'tsc', '--noEmit', '-p', '.'],
  ['formatting', 'npm', 'run', '--silent', 'format:check'],
  ['types of the webviews', 'tsc', '--noEmit', '-p', 'webview-ui'],
];

function run([name, program, ...args]) {
  const started = Date.now();
  // npx-style: the project's own tools from node_modules/.bin come first on the PATH.
  const PATH = `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`;
  const child = spawn(program, args, { cwd: root, env: { ...process.env, PATH } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      if (code === 0) console.log(`check: ${name} ok (${seconds} s)`);
      else console.log(`check: ${name} FAILED (exit ${code})\n${output}`);
      resolve(code === 0);
    }),
  );
}

const queue = [...CHECKS];
const results = [];
const lane = async () => {
  for (let check = queue.shift(); check; check = queue.shift()) results.push(await run(check));
};
await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, lane));
process.exitCode = results.every(Boolean) ? 0 : 1;
