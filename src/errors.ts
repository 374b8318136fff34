/**
 * The tool's error family. Every error that reaches the user carries the exit code of
 * metrics.md §7 and a one-line message that says what is wrong and what to do.
 * `cli.ts` is the only place that turns these into output and exit codes.
 */
export const ExitCode = {
  ok: 0,
  belowThreshold: 1,
  usage: 2,
  platform: 3,
  bug: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class AuditError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flag, bad config, unreadable or malformed input, unknown account: exit 2. */
export class UsageError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** An input file that cannot be read or understood: exit 2, message names the file. */
export class InputError extends AuditError {
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`${path}: ${problem}`, ExitCode.usage, options);
    this.path = path;
  }
}

/** The platform refused or failed (auth, rate limit exhausted, network): exit 3. */
export class PlatformError extends AuditError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.platform, options);
  }
}

/** The user pressed Ctrl-C: exit 130. */
export class InterruptedError extends AuditError {
  constructor() {
    super('interrupted', ExitCode.interrupted);
  }
}
