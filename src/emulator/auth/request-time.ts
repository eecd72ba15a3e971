/**
 * The time rules of Signature Version 4, as AWS applies them: a signed request must be made within
 * 15 minutes of the server's clock (either way), its credential scope must name the same day as
 * its date, and a presigned URL expires X-Amz-Expires seconds (at most a week) after its date.
 * Without them a request signed once could be replayed forever, and a URL dated 2099 never expires.
 * IAM and STS word a skewed request as SignatureDoesNotMatch ("Signature expired: …"); S3 as
 * RequestTimeTooSkewed, and an expired presigned URL as AccessDenied "Request has expired". STS
 * ignores X-Amz-Expires and applies the same 15 minutes to a presigned request.
 */
import { AccessDenied, AwsError, IncompleteSignature, SignatureDoesNotMatch } from '../errors.js';
import type { SigV4Auth } from './sigv4.js';

export const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_EXPIRES = 604800;

type Headers = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** `20240101T120000Z` → ms since the epoch (undefined when it is not that shape). */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) ? undefined : t;
}

/** ms → `20240101T120000Z`, as AWS quotes times in these messages. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The request's time: X-Amz-Date (header or query), else the Date header (an HTTP date). */
function requestTime(auth: SigV4Auth, headers: Headers): { text: string; ms: number | undefined } {
  if (auth.amzDate) return { text: auth.amzDate, ms: parseAmzDate(auth.amzDate) };
  const date = first(headers.date);
  if (!date) return { text: '', ms: undefined };
  const ms = Date.parse(date);
  return { text: date, ms: Number.isNaN(ms) ? undefined : ms };
}

/** Throws the service's error when the request's time is missing, malformed, skewed or expired. */
export function checkRequestTime(auth: SigV4Auth, headers: Headers, query: URLSearchParams, now: number = Date.now()): void {
  const s3 = auth.service === 's3';
  const { text, ms } = requestTime(auth, headers);
  if (ms === undefined) {
    if (s3) throw new AccessDenied('AWS authentication requires a valid Date or x-amz-date header');
    throw new IncompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${first(headers.authorization) ?? ''}`);
  }
  if (auth.amzDate && auth.date !== auth.amzDate.slice(0, 8)) {
    if (s3) {
      throw new AwsError('AuthorizationHeaderMalformed', `The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.`, 400);
    }
    throw new SignatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
  if (auth.presigned && s3) return checkPresignedS3(ms, query, now);
  if (ms < now - MAX_SKEW_MS) {
    if (s3) throw tooSkewed(text, now);
    throw new SignatureDoesNotMatch(`Signature expired: ${text} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`);
  }
  if (ms > now + MAX_SKEW_MS) {
    if (s3) throw tooSkewed(text, now);
    throw new SignatureDoesNotMatch(`Signature not yet current: ${text} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`);
  }
}

function tooSkewed(requestTimeText: string, now: number): AwsError {
  return new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, 'Sender', {
    RequestTime: requestTimeText,
    ServerTime: isoSeconds(now),
    MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
  });
}

function checkPresignedS3(dateMs: number, query: URLSearchParams, now: number): void {
  const raw = query.get('X-Amz-Expires');
  if (raw === null) {
    throw new AwsError(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      400,
    );
  }
  const expires = Number(raw);
  if (!/^\d+$/.test(raw) || expires < 1) {
    throw new AwsError('AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative', 400);
  }
  if (expires > MAX_PRESIGNED_EXPIRES) {
    throw new AwsError('AuthorizationQueryParametersError', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES}`, 400);
  }
  const expiresAt = dateMs + expires * 1000;
  if (dateMs > now + MAX_SKEW_MS) {
    throw new AccessDenied('Request is not yet valid', { 'X-Amz-Date': String(dateMs), Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(now) });
  }
  if (now > expiresAt) {
    throw new AccessDenied('Request has expired', { 'X-Amz-Expires': raw, Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(now) });
  }
}
