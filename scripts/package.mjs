// Builds the production bundles and packs them into out/ctrl-world-flexiv-<version>.vsix, then checks its contents.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'out', `${name}-${version}.vsix`);
const MAX_BYTES = 10 * 1024 * 1024;

function run(command, args) {
  try {
    return execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  } catch (error) {
    console.error(`package: ${command} ${args[0]} failed (exit ${error.status}); its messages are above.`);
    process.exit(1);
  }
}

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);
mkdirSync(join(root, 'out'), { recursive: true });
// The README's screenshots are relative links, which vsce can only turn into absolute ones for a published
// repository; the packaged README names each screenshot in words instead.
const packagedReadme = join(root, 'out', 'README.md'); // .vscodeignore lets this one file of out/ in
writeFileSync(
  packagedReadme,
  readFileSync(join(root, 'README.md'), 'utf8').replace(/!\[([^\]]*)\]\([^)]*\)/g, '*(Screenshot: $1.)*'),
);
// Everything is bundled by esbuild, so node_modules stays out of the package.
run(join(root, 'node_modules', '.bin', 'vsce'), [
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--skip-license',
  '--readme-path',
  'out/README.md',
  '--out',
  vsix,
]);

const listing = run(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'])
  .split('\n')
  .filter(Boolean);
const forbidden = listing.filter((file) =>
  /^(src|test|bench|webview-ui|scripts|node_modules)\/|\.map$|\.ts$/.test(file),
);
if (forbidden.length > 0) {
  console.error(
    `package: the VSIX must not contain sources, tests or maps: ${forbidden.join(', ')}. Fix .vscodeignore.`,
  );
  process.exit(1);
}
const size = statSync(vsix).size;
if (size > MAX_BYTES) {
  console.error(`package: the VSIX is ${(size / 1048576).toFixed(1)} MB; the limit is 10 MB.`);
  process.exit(1);
}
console.log(`Packaged ${vsix} (${(size / 1048576).toFixed(2)} MB, ${listing.length} files)`);
