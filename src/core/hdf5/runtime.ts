// Loads h5wasm once per process and points it at the compression plugins shipped beside the code.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type H5Wasm = typeof import('h5wasm/node', { with: { 'resolution-mode': 'import' } }).default;

let loading: Promise<H5Wasm> | undefined;

/**
 * The folder holding libH5Z*.so: `dist/h5plugins` in the packaged extension and CLI,
 * the h5wasm-plugins package when running from sources (tests, benchmarks).
 */
export function defaultPluginDir(): string {
  const bundled = path.join(__dirname, 'h5plugins');
  if (fs.existsSync(bundled)) return bundled;
  return path.join(path.dirname(require.resolve('h5wasm-plugins/package.json')), 'plugins');
}

/**
 * h5wasm's Node build uses NODERAWFS: it reads host paths directly and lazily (a 5 GB file opens at once),
 * and plugins are found on the host too. Its own `install_plugins` would copy the .so files into the
 * default search path on the real disk (/usr/local/hdf5/lib/plugin), so the shipped folder is put
 * first on the search path instead.
 */
export function loadH5Wasm(pluginDir: string = defaultPluginDir()): Promise<H5Wasm> {
  loading ??= (async () => {
    const h5wasm = (await import('h5wasm/node')).default;
    const module = await h5wasm.ready;
    module.insert_plugin_search_path(pluginDir, 0);
    return h5wasm;
  })();
  return loading;
}
