// Injected into the Node bundles: the value esbuild substitutes for import.meta.url (see scripts/build.mjs).
// The bundles are CommonJS, so require() is what is available here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const importMetaUrl = require('url').pathToFileURL(__filename).href;
