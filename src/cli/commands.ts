// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { CONFIG_COMMANDS } from './config';
import { TRAINING_COMMANDS } from './training';
import { frameCommand, scanCommand, validateCommand } from './dataset';

export const COMMANDS: readonly CliCommand[] = [scanCommand, validateCommand, frameCommand, ...CONFIG_COMMANDS, ...TRAINING_COMMANDS];
