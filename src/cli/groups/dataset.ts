// `scan`, `validate` and `frame`: dist/cli-dataset.js.
import type { CliCommand } from '../framework';
import { frameCommand, scanCommand, validateCommand } from '../dataset';

export { runCommands } from '../dispatch';
export const commands: readonly CliCommand[] = [scanCommand, validateCommand, frameCommand];
