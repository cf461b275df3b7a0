// Runs `ctrl-world-flexiv <command> ...` among the commands given; usage errors exit 2, failures exit 1. Every bundle
// of the CLI has its own copy (see groups.ts), so that it tells apart the error classes of its own commands.
import { describeError } from '../core/errors';
import { parseCommandArgs, UsageError, type CliCommand, type CliIo } from './framework';

export const PROGRAM = 'ctrl-world-flexiv';

export function helpText(version: string, commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = [
    `${PROGRAM} ${version}: Ctrl-World Flexiv from a terminal (the same core as the VS Code extension).`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --json     machine-readable output (where a command supports it)',
    "  --help     this help, or a command's own with <command> --help",
    '  --version  the version',
    '',
    'Exit codes: 0 success, 1 the command found a failure, 2 usage error.',
  ];
  return lines.join('\n');
}

/** Finds the longest command name that prefixes argv (`config show` before `config`). */
function findCommand(
  argv: string[],
  commands: readonly CliCommand[],
): { command: CliCommand; rest: string[] } | undefined {
  const candidates = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of candidates) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function runCommands(
  argv: string[],
  io: CliIo,
  version: string,
  commands: readonly CliCommand[],
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText(version, commands));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(version);
    return 0;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    io.err(`${PROGRAM}: unknown command "${argv[0]}". Run "${PROGRAM} --help" for the list.`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${PROGRAM} ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${PROGRAM} ${command.name}: ${error.message}\nUsage: ${PROGRAM} ${command.usage}`);
      return 2;
    }
    io.err(`${PROGRAM} ${command.name}: ${describeError(error)}`);
    return 1;
  }
}
