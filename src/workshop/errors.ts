/**
 * The workshop API's one error type: an HTTP status, a code a program can test (AWS's names
 * where AWS has one: ThrottlingException for 429) and a message a person can act on. It is
 * answered as JSON: {"error": message, "code": code}.
 */
export class WorkshopError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string = defaultCode(status),
    /** seconds before trying again (429, 503): sent as Retry-After */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'WorkshopError';
  }
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'ValidationError';
    case 401:
      return 'UnrecognizedClientException';
    case 403:
      return 'AccessDenied';
    case 404:
      return 'NotFound';
    case 408:
      return 'RequestTimeout';
    case 409:
      return 'Conflict';
    case 413:
      return 'RequestEntityTooLarge';
    case 429:
      return 'ThrottlingException';
    default:
      return 'InternalFailure';
  }
}
