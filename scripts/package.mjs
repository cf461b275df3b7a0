// Builds the production bundles and packs them into out/ctrl-world-flexiv-<version>.vsix, then checks its contents.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'out', `${name}-${version}.vsix`);
const MAX_BYTES = 10 * 1024 * 1024;

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);
mkdirSync(join(root, 'out'), { recursive: true });
// Everything is bundled by esbuild, so node_modules stays out of the package.
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix]);

const listing = run(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies']).split('\n').filter(Boolean);
const forbidden = listing.filter((file) => /^(src|test|bench|webview-ui|scripts|node_modules)\/|\.map$|\.ts$/.test(file));
if (forbidden.length > 0) throw new Error(`The VSIX must not contain sources, tests or maps: ${forbidden.join(', ')}`);
const size = statSync(vsix).size;
if (size > MAX_BYTES) throw new Error(`The VSIX is ${(size / 1048576).toFixed(1)} MB; the limit is 10 MB.`);
console.log(`Packaged ${vsix} (${(size / 1048576).toFixed(2)} MB, ${listing.length} files)`);
