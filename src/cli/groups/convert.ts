// `convert` and `check-converted`: dist/cli-convert.js.
import type { CliCommand } from '../framework';
import { checkConvertedCommand, convertCommand } from '../convert';

export { runCommands } from '../dispatch';
export const commands: readonly CliCommand[] = [convertCommand, checkConvertedCommand];
