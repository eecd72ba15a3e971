/**
 * Expected failures, one class per kind. The top-level catch in main.ts prints their message
 * (no stack trace) and exits with their code; anything else is a bug and says so.
 */
export class UserError extends Error {
  /** exit code: 2 for usage and backend errors (as `check` documents), 1 for "not passed" */
  constructor(
    message: string,
    readonly exitCode = 2,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends UserError {}
export class NoSessionError extends UserError {}
export class BackendUnavailableError extends UserError {}
export class UnknownLabError extends UserError {}
export class CourseFormatError extends UserError {}
export class CorruptFileError extends UserError {}
export class SafetyError extends UserError {}
export class PortBusyError extends UserError {}
