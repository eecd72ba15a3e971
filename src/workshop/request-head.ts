/**
 * The little the workshop's front needs to know of a request before it decides which process
 * serves the connection: the path (the workshop's own routes start with /_workshop) and the
 * access key id that signed it (in the Authorization header's Credential, or a presigned URL's
 * X-Amz-Credential). A 12-digit access key id is the root of that account; other key ids
 * (AKIA…, ASIA…) are looked up.
 */

export const WORKSHOP_PREFIX = '/_workshop';
/** A request head larger than this is refused (431), as node:http does by default. */
export const MAX_HEAD_BYTES = 16 * 1024;

export interface ParsedHead {
  method: string;
  /** the request target's path, without the query */
  path: string;
  query: string;
  headers: Map<string, string>;
}

const END = Buffer.from('\r\n\r\n');

/** Where the head of the first request ends in `buf` (index after the blank line), or -1. */
export function headEnd(buf: Buffer): number {
  const i = buf.indexOf(END);
  return i < 0 ? -1 : i + END.length;
}

/** Parse an HTTP/1.x request head; undefined when it is not one. */
export function parseHead(buf: Buffer): ParsedHead | undefined {
  const text = buf.toString('latin1');
  const lines = text.split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  // An absolute-form target (through a proxy) keeps only its path, as the emulator does.
  const target = m[2].replace(/^https?:\/\/[^/?]*/i, '') || '/';
  const q = target.indexOf('?');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (!line) break;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { method: m[1], path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), headers };
}

const CREDENTIAL = /Credential=([A-Za-z0-9]{1,128})\//;

/** The access key id a request is signed with, from its Authorization header or presigned query. */
export function signingKeyId(authorization: string | undefined, query: string): string | undefined {
  if (authorization) return CREDENTIAL.exec(authorization)?.[1];
  if (!query.includes('X-Amz-Credential')) return undefined;
  const cred = new URLSearchParams(query).get('X-Amz-Credential') ?? '';
  return /^([A-Za-z0-9]{1,128})\//.exec(cred)?.[1];
}

export const isAccountKey = (keyId: string) => /^\d{12}$/.test(keyId);

/** Which of `count` workers holds an account: a fixed function of its id, the same in every process. */
export function shardOf(accountId: string, count: number): number {
  return Number(accountId.slice(-9)) % count;
}
