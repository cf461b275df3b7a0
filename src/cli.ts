// The `ctrl-world-flexiv` executable.
import { runCli } from './cli/main';
import { version } from '../package.json';

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
