// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';
import { CONFIG_COMMANDS } from './config';

export const COMMANDS: readonly CliCommand[] = [...CONFIG_COMMANDS];
