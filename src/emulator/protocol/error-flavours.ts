/**
 * The gateway raises authentication failures with the Query protocol's codes (IAM/STS wording).
 * JSON and EC2 services answer the same failures with their own codes; this maps them, so the
 * gateway stays protocol-neutral.
 */
import { AwsError } from '../errors.js';

const JSON_AUTH: Record<string, { code: string; message?: string }> = {
  InvalidClientTokenId: { code: 'UnrecognizedClientException' },
  SignatureDoesNotMatch: { code: 'InvalidSignatureException' },
  ExpiredToken: { code: 'ExpiredTokenException' },
  MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  IncompleteSignature: { code: 'IncompleteSignatureException' },
  AccessDenied: { code: 'AccessDeniedException' },
};

/** JSON 1.1 and REST-JSON services: `UnrecognizedClientException`, `InvalidSignatureException`, … */
export function jsonFlavour(err: AwsError, status?: number): AwsError {
  const m = Object.hasOwn(JSON_AUTH, err.code) ? JSON_AUTH[err.code] : undefined;
  if (m) return new AwsError(m.code, m.message ?? err.message, status ?? err.status, err.type, err.extra);
  if (err.code === 'InternalFailure') return new AwsError('InternalFailure', err.message, 500, 'Receiver');
  return err;
}

/** EC2: `AuthFailure` for keys it cannot validate, `UnauthorizedOperation` for denials. */
export function ec2Flavour(err: AwsError): AwsError {
  switch (err.code) {
    case 'InvalidClientTokenId':
    case 'ExpiredToken':
      return new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'MissingAuthenticationToken':
      return new AwsError('MissingAuthenticationToken', 'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.', 401);
    case 'InternalFailure':
      return new AwsError('InternalError', 'An internal error has occurred', 500, 'Receiver');
    default:
      return err;
  }
}
