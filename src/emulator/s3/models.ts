/** S3 buckets and objects as stored; object bodies base64 so state persists as JSON. */
export interface S3Object {
  key: string;
  /** base64 */
  body: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  metadata: Record<string, string>;
}

export interface Bucket {
  name: string;
  creationDate: string;
  region: string;
  policy?: string;
  objects: Record<string, S3Object>;
}

export interface S3State {
  buckets: Record<string, Bucket>;
}

export function emptyS3State(): S3State {
  return { buckets: {} };
}
