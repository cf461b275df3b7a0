// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { frameCommand, scanCommand, validateCommand } from './dataset';

export const COMMANDS: readonly CliCommand[] = [scanCommand, validateCommand, frameCommand];
