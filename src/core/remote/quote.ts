// The one function that turns an argument array into a POSIX shell command line.

// `=` is left out: a first word like A=1 would be read as an assignment, not a program.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/** Quotes one argument so that any POSIX shell reads it back as exactly these bytes. */
export function quoteArg(arg: string): string {
  if (arg.length > 0 && SAFE_WORD.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote itself.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one command line for `sh -c` or for ssh's remote command. */
export function shellCommand(args: readonly string[]): string {
  if (args.length === 0) throw new Error('shellCommand needs at least the program name');
  return args.map(quoteArg).join(' ');
}
