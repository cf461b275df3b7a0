// Formats the Python the project ships and tests with (the remote kit, fixtures' generators, bench and scripts) with
// ruff's formatter (its WebAssembly build from npm: no Python tool to install), lines up to 120 characters.
// Usage: node scripts/format-python.mjs --check | --write
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Config fixtures keep the layout of the users' files they stand for: the config parser is tested on it.
const KEEP_AS_WRITTEN = /^test\/fixtures\/configs\//;
const mode = process.argv[2];
if (mode !== '--check' && mode !== '--write') {
  console.error('usage: node scripts/format-python.mjs --check | --write');
  process.exit(2);
}
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.py'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && !KEEP_AS_WRITTEN.test(file));
const ruff = new Workspace({ 'line-length': 120, format: { 'quote-style': 'double' } }, PositionEncoding.Utf16);
const unformatted = [];
for (const file of files) {
  const source = readFileSync(join(root, file), 'utf8');
  const formatted = ruff.format(source);
  if (formatted === source) continue;
  unformatted.push(file);
  if (mode === '--write') writeFileSync(join(root, file), formatted);
}
if (mode === '--check' && unformatted.length > 0) {
  console.error(`Not formatted (npm run format fixes it): ${unformatted.join(', ')}`);
  process.exit(1);
}
console.log(
  `${files.length} Python files ${mode === '--write' ? `checked, ${unformatted.length} reformatted` : 'formatted'}.`,
);
