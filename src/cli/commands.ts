// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { frameCommand, scanCommand, validateCommand } from './dataset';
import { checkConvertedCommand, convertCommand } from './convert';
import { CONFIG_COMMANDS } from './config';
import { TRAINING_COMMANDS } from './training';
import { qualityCommand } from './quality';

export const COMMANDS: readonly CliCommand[] = [
  scanCommand,
  validateCommand,
  frameCommand,
  convertCommand,
  checkConvertedCommand,
  ...CONFIG_COMMANDS,
  ...TRAINING_COMMANDS,
  qualityCommand,
];
