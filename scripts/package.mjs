// Builds the production bundles and packs them into out/ctrl-world-flexiv-<version>.vsix, then checks its contents.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
// VS Code shows an installed extension's README in a webview that loads only https: and data: images and resolves
// a relative link against its own page, not the extension's folder: a screenshot shipped as a file beside the README
// never shows. The packaged README carries each screenshot the README uses as a data: URI instead, which is also
// why vsce must leave its links as they are (it would want them on https).
const packagedReadme = join(root, 'out', 'README.md'); // .vscodeignore lets this one file of out/ in
writeFileSync(
  packagedReadme,
  readFileSync(join(root, 'README.md'), 'utf8').replace(/!\[([^\]]*)\]\(([^)]*)\)/g, (_, alt, link) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || !link.endsWith('.png')) {
      console.error(
        `package: the README's image ${link} is not a PNG file in the repository, the only kind it can carry.`,
      );
      process.exit(1);
    }
    return `![${alt}](data:image/png;base64,${readFileSync(join(root, link)).toString('base64')})`;
  }),
);
// Everything is bundled by esbuild, so node_modules stays out of the package.
run(join(root, 'node_modules', '.bin', 'vsce'), [
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--skip-license',
  '--no-rewrite-relative-links',
  '--readme-path',
  'out/README.md',
  '--out',
  vsix,
]);

const listing = run(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'])
  .split('\n')
  .filter(Boolean);
const forbidden = listing.filter((file) =>
  /^(src|test|bench|webview-ui|scripts|node_modules|remote-kit\/tests)\/|__pycache__|\.map$|\.ts$/.test(file),
);
if (forbidden.length > 0) {
  console.error(
    `package: the VSIX must not contain sources, tests or maps: ${forbidden.join(', ')}. Fix .vscodeignore.`,
  );
  process.exit(1);
}
// Every bundle the build wrote must ship: a new one left out of .vscodeignore fails only once installed.
const missing = readdirSync(join(root, 'dist'))
  .filter((file) => /\.(js|mjs|wasm)$/.test(file))
  .map((file) => `dist/${file}`)
  .filter((file) => !listing.includes(file));
if (missing.length > 0) {
  console.error(`package: the VSIX lacks ${missing.join(', ')}: add them to .vscodeignore.`);
  process.exit(1);
}
const size = statSync(vsix).size;
if (size > MAX_BYTES) {
  console.error(`package: the VSIX is ${(size / 1048576).toFixed(1)} MB; the limit is 10 MB.`);
  process.exit(1);
}
console.log(`Packaged ${vsix} (${(size / 1048576).toFixed(2)} MB, ${listing.length} files)`);
