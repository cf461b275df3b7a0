// Bundles the extension, the CLI and the webviews with esbuild, and copies the files they load at run time.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
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
  // import() of another bundle becomes require(): the bundles are all CommonJS, and Node's ES module loader, which
  // import() would start, costs a short command several milliseconds.
  supported: { 'dynamic-import': false },
  // Both only reached when running from sources: the bundles find dist/h5plugins first, and load the bundled scan
  // worker rather than its TypeScript through tsx.
  external: ['h5wasm-plugins/package.json', 'tsx/cjs'],
  inject: [join(root, 'scripts', 'import-meta-url.js')],
};

/**
 * h5wasm (4 MB, most of it its WebAssembly as one base64 string) is its own bundle, dist/h5wasm.js, loaded only when a
 * file is first opened: `--help`, an empty folder or the extension's activation never parse it. Its WebAssembly is
 * written beside it as dist/hdf5_util.wasm and read from there, which spares parsing and decoding the base64. (The
 * bundles load it through V8's code cache, src/core/codeCache.ts; the import below is for sources only.)
 */
const h5wasmOutside = {
  name: 'h5wasm-outside',
  setup(build) {
    build.onResolve({ filter: /^h5wasm\/node$/ }, () => ({ path: './h5wasm.js', external: true }));
  },
};
const wasmBesideH5wasm = {
  name: 'wasm-beside-h5wasm',
  setup(build) {
    build.onLoad({ filter: /h5wasm[\\/]dist[\\/]node[\\/]hdf5_util\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const inline =
        /function findWasmBinary\(\)\{var f="data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)";return f\}/;
      const match = inline.exec(source);
      if (!match)
        throw new Error(`${args.path}: h5wasm no longer inlines its WebAssembly as expected; update build.mjs`);
      writeFileSync(join(dist, 'hdf5_util.wasm'), Buffer.from(match[1], 'base64'));
      const fromFile =
        'function findWasmBinary(){return require("url").fileURLToPath(new URL("hdf5_util.wasm",import.meta.url))}';
      return { contents: source.replace(match[0], fromFile), loader: 'js' };
    });
  },
};

/** The CLI's command groups, each bundled as dist/cli-<group>.js and loaded by dist/cli.js from there. */
const CLI_GROUPS = readdirSync(join(root, 'src', 'cli', 'groups')).map((file) => file.replace(/\.ts$/, ''));
const cliGroupsOutside = {
  name: 'cli-groups-outside',
  setup(build) {
    build.onResolve({ filter: /^\.\/groups\/[\w-]+\.js$/ }, (args) => ({
      path: `./cli-${args.path.slice('./groups/'.length)}`,
      external: true,
    }));
  },
};

await Promise.all([
  // CommonJS like the other bundles (h5wasm itself is an ES module), so that it can be compiled with a code cache.
  esbuild.build({
    ...nodeCommon,
    sourcemap: false,
    stdin: { contents: "export { default } from 'h5wasm/node';", resolveDir: root, sourcefile: 'h5wasm-entry.js' },
    outfile: join(dist, 'h5wasm.js'),
    plugins: [wasmBesideH5wasm],
  }),
  esbuild.build({
    ...nodeCommon,
    plugins: [h5wasmOutside],
    entryPoints: [join(root, 'src', 'extension.ts')],
    outfile: join(dist, 'extension.js'),
    external: ['vscode', ...nodeCommon.external],
    // The first statement of the bundle, so the activation figure includes loading the code.
    banner: { js: 'globalThis.__ctrlWorldLoadStart = performance.now();' },
  }),
  // Dataset scans read episodes on worker threads; the extension and the CLI both start this script.
  esbuild.build({
    ...nodeCommon,
    plugins: [h5wasmOutside],
    entryPoints: [join(root, 'src', 'core', 'dataset', 'scanWorker.ts')],
    outfile: join(dist, 'scanWorker.js'),
  }),
  // Validation videos are scored (SSIM) on a worker thread, so the extension's thread stays free.
  esbuild.build({
    ...nodeCommon,
    entryPoints: [join(root, 'src', 'core', 'quality', 'qualityWorker.ts')],
    outfile: join(dist, 'qualityWorker.js'),
  }),
  // The CLI: a small entry that picks the command's group, and one bundle per group (see src/cli/groups.ts).
  esbuild.build({
    ...nodeCommon,
    plugins: [cliGroupsOutside],
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile: join(dist, 'cli.js'),
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.build({
    ...nodeCommon,
    plugins: [h5wasmOutside],
    entryPoints: CLI_GROUPS.map((group) => ({
      in: join(root, 'src', 'cli', 'groups', `${group}.ts`),
      out: `cli-${group}`,
    })),
    outdir: dist,
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
