// The CLI's subcommands, in the order `--help` lists them.
import type { CliCommand } from './framework';

export const COMMANDS: readonly CliCommand[] = [];
