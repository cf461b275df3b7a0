// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { CONFIG_COMMANDS } from './config';
import { TRAINING_COMMANDS } from './training';

export const COMMANDS: readonly CliCommand[] = [...CONFIG_COMMANDS, ...TRAINING_COMMANDS];
