/**
 * REST-JSON (Access Analyzer, Lambda): the operation is the HTTP method plus a path template
 * (`GET /analyzer/{analyzerName}`), inputs come from path labels, the query string, headers and
 * a JSON body. Errors carry their code in the `x-amzn-ErrorType` header and a JSON body whose
 * member names each service spells its own way (Lambda: `Type` + `Message`/`message`).
 */
import { AwsError } from '../errors.js';
import type { IncomingRequest, OutgoingResponse } from '../types.js';
import { parseJsonObject, type TimestampFormat, wireJson } from './json-values.js';

export interface RestRoute {
  method: string;
  /** path template, e.g. `/2015-03-31/functions/{FunctionName}/invocations` */
  path: string;
  operation: string;
}

interface CompiledRoute extends RestRoute {
  re: RegExp;
  labels: string[];
}

export interface RestMatch {
  operation: string;
  /** percent-decoded path labels */
  labels: Record<string, string>;
  query: URLSearchParams;
}

/** A route table compiled once: matching is a scan of a few regular expressions. */
export class RestRouter {
  private readonly compiled: CompiledRoute[];

  constructor(routes: RestRoute[]) {
    this.compiled = routes.map((r) => {
      const labels: string[] = [];
      const pattern = r.path
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)(\+?)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          labels.push(m[1]);
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('/');
      return { ...r, labels, re: new RegExp(`^${pattern}/?$`) };
    });
  }

  match(req: IncomingRequest): RestMatch | undefined {
    const query = new URLSearchParams(req.rawQuery);
    for (const r of this.compiled) {
      if (r.method !== req.method) continue;
      const m = r.re.exec(req.rawPath);
      if (!m) continue;
      const labels: Record<string, string> = Object.create(null);
      r.labels.forEach((name, i) => {
        labels[name] = safeDecode(m[i + 1]);
      });
      return { operation: r.operation, labels, query };
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The JSON body of a REST-JSON request (`{}` when empty). */
export function restJsonBody(req: IncomingRequest): Record<string, unknown> {
  const body = parseJsonObject(req.body);
  if (!body) throw new AwsError('SerializationException', 'The request body could not be parsed as JSON.', 400);
  return body;
}

export function restJsonResponse(
  status: number,
  result: unknown,
  requestId: string,
  timestamps: TimestampFormat,
  headers: Record<string, string> = {},
): OutgoingResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...headers },
    body: result === undefined ? '' : wireJson(result, timestamps),
  };
}

/** How a service spells its error body. */
export type RestErrorStyle = 'message' | 'lambda';

/** Lambda's error shapes name the message `Message` for these codes and `message` for the rest. */
const LAMBDA_CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException', 'AccessDeniedException']);

export function restJsonError(err: AwsError, requestId: string, style: RestErrorStyle): OutgoingResponse {
  const body =
    style === 'lambda'
      ? { Type: err.status >= 500 ? 'Service' : 'User', [LAMBDA_CAPITAL_MESSAGE.has(err.code) ? 'Message' : 'message']: err.message, ...err.extra }
      : { message: err.message, ...err.extra };
  return {
    status: err.status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
    body: JSON.stringify(body),
  };
}
