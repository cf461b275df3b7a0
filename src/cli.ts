// The `ctrl-world-flexiv` executable.
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli/main';
import { version } from '../package.json';

// A command reads files for seconds, not hours: V8's optimising compiler would spend more CPU compiling the HDF5
// reader's WebAssembly than its faster code saves (measured: 200 episodes 0.80 s instead of 1.00 s, half the CPU).
// This process is the CLI's own, so its engine flags touch nothing else; the extension host is left as it is.
setFlagsFromString('--liftoff-only');
// Its functions are checked as they are first compiled: a scan calls a small part of HDF5, and checking all of it up
// front cost more than the part it runs (~5 ms).
setFlagsFromString('--wasm-lazy-validation');

const progress = process.stderr.isTTY
  ? (line: string | null) => process.stderr.write(line === null ? '\n' : `\r${line}\x1b[K`)
  : undefined;
runCli(
  process.argv.slice(2),
  { out: (text) => process.stdout.write(text + '\n'), err: (text) => process.stderr.write(text + '\n'), progress },
  version,
).then((code) => {
  process.exitCode = code;
});
