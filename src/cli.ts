// The `ctrl-world-flexiv` executable.
import { runCli } from './cli/main';
import { version } from '../package.json';

runCli(process.argv.slice(2), { out: (text) => process.stdout.write(text + '\n'), err: (text) => process.stderr.write(text + '\n') }, version)
  .then((code) => { process.exitCode = code; });
