// Loads h5wasm once per process, points it at the shipped compression plugins and captures HDF5's stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireWithCodeCache, saveCodeCache } from '../codeCache';
import { availableFilterIds } from './filters';

export type H5Wasm = typeof import('h5wasm/node', { with: { 'resolution-mode': 'import' } }).default;
export type H5Module = Awaited<H5Wasm['ready']>;

/** h5wasm with its Emscripten module and the filter plugins found on disk. */
export interface Hdf5Runtime {
  readonly h5wasm: H5Wasm;
  readonly module: H5Module;
  /** Plugin library names present in the plugin folder, e.g. `lzf`, `blosc` (from `libH5Zlzf.so`). */
  readonly plugins: ReadonlySet<string>;
  /** HDF5 filter ids that decode here: HDF5's built-in ones and those of the plugins present. */
  readonly availableFilters: ReadonlySet<number>;
}

let loading: Promise<Hdf5Runtime> | undefined;
let capturing: string[] | undefined;
let diagnosticListener: ((text: string) => void) | undefined;

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
export function loadHdf5(pluginDirectory?: string): Promise<Hdf5Runtime> {
  // Every open asks for the runtime: the plugin folder is looked up once, when it loads, not on each call.
  loading ??= (async () => {
    const pluginDir = pluginDirectory ?? defaultPluginDir();
    const { h5wasm, module } = await startWithErrorsRouted();
    module.insert_plugin_search_path(pluginDir, 0);
    routeStderr(module);
    const plugins = new Set(
      fs
        .readdirSync(pluginDir)
        .map((file) => /^libH5Z(\w+)\.so$/.exec(file)?.[1])
        .filter((name): name is string => !!name),
    );
    return { h5wasm, module, plugins, availableFilters: availableFilterIds(plugins) };
  })();
  return loading;
}

/** The h5wasm API alone, for code that only needs its high-level classes. */
export async function loadH5Wasm(pluginDir?: string): Promise<H5Wasm> {
  return (await loadHdf5(pluginDir)).h5wasm;
}

/**
 * HDF5 prints its error stack (HDF5-DIAG) to file descriptor 2, which NODERAWFS writes straight to the
 * process's stderr, where users of the CLI and the extension log would see pages of C traces. Writes to
 * fd 2 are captured instead: read functions inspect them (h5wasm does not report every failed read),
 * and anything outside a capture goes to an optional listener (the extension's debug log).
 */
function routeStderr(module: H5Module): void {
  type Write = (
    stream: { fd?: number },
    buffer: Int8Array,
    offset: number,
    length: number,
    ...rest: unknown[]
  ) => number;
  const fsApi = module.FS as unknown as { write: Write };
  const originalWrite = fsApi.write;
  const decoder = new TextDecoder();
  fsApi.write = function (stream, buffer, offset, length, ...rest) {
    if (stream?.fd !== 2) return originalWrite.call(this, stream, buffer, offset, length, ...rest);
    route(decoder.decode(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)));
    return length;
  };
}

/** h5wasm bundled as CommonJS beside this code (scripts/build.mjs); absent when running from sources. */
const BUNDLED_H5WASM = path.join(__dirname, 'h5wasm.js');

/** The bundled h5wasm through V8's code cache (its start-up compiles much of its JavaScript), else the package. */
async function importH5wasm(): Promise<H5Wasm> {
  if (fs.existsSync(BUNDLED_H5WASM)) return (requireWithCodeCache(BUNDLED_H5WASM) as { default: H5Wasm }).default;
  return (await import('h5wasm/node')).default;
}

/**
 * Emscripten binds its error printer to console.error once, while the module starts; it prints there when a read
 * asks for more than the 2 GiB heap ("Cannot enlarge memory…"). A router is put in console.error's place for that
 * moment, so that those lines go where HDF5's own diagnostics go instead of the user's terminal or extension log.
 */
async function startWithErrorsRouted(): Promise<{ h5wasm: H5Wasm; module: H5Module }> {
  const consoleError = console.error;
  console.error = (...parts: unknown[]) => route(parts.map(String).join(' ') + '\n');
  try {
    const h5wasm = await importH5wasm();
    const module = await h5wasm.ready;
    saveCodeCache(BUNDLED_H5WASM);
    return { h5wasm, module };
  } finally {
    console.error = consoleError;
  }
}

function route(text: string): void {
  if (capturing) capturing.push(text);
  else diagnosticListener?.(text);
}

/** Sends HDF5's diagnostics printed outside of a read (rare) to `listener`, e.g. a debug log. */
export function onHdf5Diagnostics(listener: ((text: string) => void) | undefined): void {
  diagnosticListener = listener;
}

/**
 * Runs a synchronous h5wasm call and returns what HDF5 printed meanwhile. A non-empty `diagnostics`
 * means the call failed inside HDF5 even when h5wasm returned normally.
 */
export function withDiagnostics<T>(call: () => T): { value?: T; error?: unknown; diagnostics: string } {
  const outer = capturing;
  capturing = [];
  try {
    const value = call();
    return { value, diagnostics: capturing.join('') };
  } catch (error) {
    return { error, diagnostics: capturing.join('') };
  } finally {
    capturing = outer;
  }
}
