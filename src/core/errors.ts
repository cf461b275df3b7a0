// Typed errors whose message is written for the user, with the next step to take.

/** An error that is safe to show as-is: it names the file or field and says what to do next. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    /** A short, concrete next step ("Check the path in ctrlWorld.datasetFolders"). */
    readonly hint?: string,
    /** A stable, machine-readable code for CLI `--json` output and tests. */
    readonly code: string = 'error',
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The message and the hint in one sentence pair, for notifications and the CLI. */
  get fullMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** Raised when the user cancelled long work through an AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** A one-line description of any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof UserFacingError) return error.fullMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}
