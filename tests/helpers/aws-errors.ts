/** Assertions on AWS service errors as the SDK v3 surfaces them (code, message, HTTP status). */
import { expect } from 'vitest';

export interface ExpectedAwsError {
  code: string;
  message?: string | RegExp;
  status?: number;
}

/** Await `promise`, expect it to fail with this AWS error, and return the error. */
export async function expectAwsError(promise: Promise<unknown>, expected: ExpectedAwsError): Promise<any> {
  let err: any;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${expected.code}, but the call succeeded`).toBeDefined();
  // The wire code (the SDK's `name` is the modelled class, e.g. NoSuchEntityException).
  expect(err.Code ?? err.name).toBe(expected.code);
  if (typeof expected.message === 'string') expect(err.message).toBe(expected.message);
  else if (expected.message) expect(err.message).toMatch(expected.message);
  if (expected.status) expect(err.$metadata?.httpStatusCode).toBe(expected.status);
  return err;
}
