// The few error classes the toolkit throws, each with its exit code (docs/architecture.md,
// "Conventions"), a one-line message and a hint.

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** A check, an SLO or a plan's feasibility failed. */
  failed: 1,
  /** The user's input is wrong: flags, files, models, credentials. */
  badInput: 2,
  /** The target, PostgreSQL or a dependency such as k6 cannot be reached. */
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface OcErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** Base class: an error the toolkit understands, printed as one line plus a hint. */
export class OcError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCode, options: OcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Wrong flags, files, models or credentials: the user must change something. Exit 2. */
export class BadInputError extends OcError {
  constructor(message: string, options: OcErrorOptions = {}) {
    super(message, ExitCode.badInput, options);
  }
}

/** A check, SLO or plan did not pass. Exit 1. */
export class CheckFailedError extends OcError {
  constructor(message: string, options: OcErrorOptions = {}) {
    super(message, ExitCode.failed, options);
  }
}

/** A target, database or tool the command needs is not there. Exit 3. */
export class UnreachableError extends OcError {
  constructor(message: string, options: OcErrorOptions = {}) {
    super(message, ExitCode.unreachable, options);
  }
}

export function isOcError(error: unknown): error is OcError {
  return error instanceof OcError;
}
