/** Conditional requests (If-Match & co.) and byte ranges, as S3 evaluates them. */
import { type AwsError, InvalidRange, NotModified, PreconditionFailed } from '../../errors.js';
import type { S3Object } from '../models.js';

const PRECONDITION = 'At least one of the pre-conditions you specified did not hold';

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '').replace(/"/g, '') === etag.replace(/"/g, '');
  });
}

/** Reads (GET/HEAD): RFC 7232 precedence as S3 documents it for GetObject/HeadObject. */
export function checkReadConditions(get: (h: string) => string | undefined, obj: S3Object): void {
  const modified = Date.parse(obj.lastModified);
  const ifMatch = get('if-match');
  const ifNoneMatch = get('if-none-match');
  const ifUnmodified = get('if-unmodified-since');
  const ifModified = get('if-modified-since');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, obj.etag)) throw new PreconditionFailed(PRECONDITION, { Condition: 'If-Match' });
  } else if (ifUnmodified !== undefined) {
    const t = Date.parse(ifUnmodified);
    if (!Number.isNaN(t) && Math.floor(modified / 1000) > Math.floor(t / 1000)) {
      throw new PreconditionFailed(PRECONDITION, { Condition: 'If-Unmodified-Since' });
    }
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, obj.etag)) throw new NotModified('Not Modified');
  } else if (ifModified !== undefined) {
    const t = Date.parse(ifModified);
    if (!Number.isNaN(t) && Math.floor(modified / 1000) <= Math.floor(t / 1000)) throw new NotModified('Not Modified');
  }
}

/** Writes (PutObject, CompleteMultipartUpload): If-None-Match: * and If-Match on the current object. */
export function checkWriteConditions(get: (h: string) => string | undefined, existing: S3Object | undefined): void {
  const ifNoneMatch = get('if-none-match');
  if (ifNoneMatch !== undefined && existing) throw new PreconditionFailed(PRECONDITION, { Condition: 'If-None-Match' });
  const ifMatch = get('if-match');
  if (ifMatch !== undefined && (!existing || !etagMatches(ifMatch, existing.etag))) {
    throw new PreconditionFailed(PRECONDITION, { Condition: 'If-Match' });
  }
}

export interface ByteRange {
  start: number;
  /** inclusive */
  end: number;
}

/**
 * Parse a Range header against an object size. S3 serves one range; a header it cannot parse
 * (or a multi-range request) is ignored and the whole object is returned.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable(header, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
    if (start >= size) throw unsatisfiable(header, size);
  }
  return { start, end };
}

function unsatisfiable(header: string, size: number): AwsError {
  return new InvalidRange('The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: String(size) });
}
