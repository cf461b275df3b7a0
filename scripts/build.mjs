// Bundles the extension, the CLI and the webviews with esbuild, and copies the files they load at run time.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // h5wasm's Node build reads import.meta.url, which is empty in a CommonJS bundle: give it this file's URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  // Both only reached when running from sources: the bundles find dist/h5plugins first, and load the bundled scan
  // worker rather than its TypeScript through tsx.
  external: ['h5wasm-plugins/package.json', 'tsx/cjs'],
  inject: [join(root, 'scripts', 'import-meta-url.js')],
};

await Promise.all([
  esbuild.build({
    ...nodeCommon,
    entryPoints: [join(root, 'src', 'extension.ts')],
    outfile: join(dist, 'extension.js'),
    external: ['vscode', ...nodeCommon.external],
    // The first statement of the bundle, so the activation figure includes loading the code.
    banner: { js: 'globalThis.__ctrlWorldLoadStart = performance.now();' },
  }),
  // Dataset scans read episodes on worker threads; the extension and the CLI both start this script.
  esbuild.build({
    ...nodeCommon,
    entryPoints: [join(root, 'src', 'core', 'dataset', 'scanWorker.ts')],
    outfile: join(dist, 'scanWorker.js'),
  }),
  esbuild.build({
    ...nodeCommon,
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile: join(dist, 'cli.js'),
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.build({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: readdirSync(join(root, 'webview-ui'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && entry.name !== 'shared' && existsSync(join(root, 'webview-ui', entry.name, 'main.ts')),
      )
      .map((entry) => ({ in: join(root, 'webview-ui', entry.name, 'main.ts'), out: entry.name })),
    outdir: join(dist, 'webview'),
  }),
]);

// Compression filters for HDF5 (gzip is built in; LZF, Blosc, zstd, bitshuffle, LZ4... are plugins).
cpSync(join(dirname(require.resolve('h5wasm-plugins/package.json')), 'plugins'), join(dist, 'h5plugins'), {
  recursive: true,
});
// The icon font and its CSS, for codicons inside webviews.
const codicons = join(dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
mkdirSync(join(dist, 'webview', 'codicons'), { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf'])
  cpSync(join(codicons, file), join(dist, 'webview', 'codicons', file));
