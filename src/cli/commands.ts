// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { TRAINING_COMMANDS } from './training';

export const COMMANDS: readonly CliCommand[] = [...TRAINING_COMMANDS];
