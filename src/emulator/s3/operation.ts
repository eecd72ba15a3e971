/** The shape of one S3 operation: how it is authorized and its handler. */
import type { OutgoingResponse, RequestContext } from '../types.js';
import type { S3Route } from './routing.js';
import type { BucketRef } from './store.js';

/** One request on its way through an operation. */
export interface S3Call {
  ctx: RequestContext;
  route: S3Route;
  bucketName: string;
  key: string;
  /** the addressed bucket, when it exists */
  ref?: BucketRef;
  /** the request header value (first, when repeated) */
  header(name: string): string | undefined;
}

export interface S3Operation {
  /**
   * IAM action checked before the handler runs (service authorization reference), or 'per-key'
   * for calls that check each key inside the handler (DeleteObjects).
   */
  action: string;
  /** ARN the action acts on: the bucket, the object, or "*" */
  resource: 'bucket' | 'object' | 'none';
  /** request-specific condition keys (s3:prefix, s3:delimiter, s3:max-keys, …) */
  context?: (call: S3Call) => Record<string, string | string[]>;
  /** false for calls that change nothing (state is then neither persisted nor announced) */
  mutating: boolean;
  /** CreateBucket is the only call that runs without an existing bucket */
  needsBucket: boolean;
  handler(call: S3Call): OutgoingResponse | Promise<OutgoingResponse>;
}

export type S3OperationTable = Record<string, S3Operation>;
