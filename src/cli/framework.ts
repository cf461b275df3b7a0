// The CLI's shape: subcommands with their own options, usage errors (exit 2), and JSON or human output.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Rewrites the terminal's progress line (null ends it); absent when stderr is not a terminal. */
  readonly progress?: (line: string | null) => void;
}

export interface CliCommand {
  /** One or two words, e.g. `scan` or `config show`. */
  readonly name: string;
  readonly summary: string;
  /** The line after `Usage: ctrl-world-flexiv`, e.g. `scan <dir> [--json]`. */
  readonly usage: string;
  readonly options?: ParseArgsConfig['options'];
  /** Returns the exit code: 0 success, 1 the command ran and found a failure. */
  run(parsed: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

/** Parses a subcommand's arguments strictly: an unknown option is a usage error, not silently ignored. */
export function parseCommandArgs(command: CliCommand, argv: string[]): ParsedArgs {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as ParsedArgs['values'] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A numeric option: its fallback when absent, a usage error naming the option when it is not `what`. */
export function numberOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  check: (value: number) => boolean,
  what: string,
): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value))
    throw new UsageError(`--${name} must be ${what}, not "${text}"`);
  return value;
}

export const whole =
  (min: number) =>
  (value: number): boolean =>
    Number.isInteger(value) && value >= min;

export function requirePositional(args: ParsedArgs, index: number, what: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
