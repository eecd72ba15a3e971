/**
 * A JSON parser that remembers where every value sits in the text, for ValidatePolicy's
 * locations (path + span). Lines count from 1, columns and offsets from 0, and a span covers the
 * whole value (a string with its quotes), as Access Analyzer reports them.
 */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export type PathElement = { value: string } | { index: number } | { key: string };

export interface LocatedJson {
  value: unknown;
  /** span of the value at a path, keyed by the path's text ("Statement/0/Action") */
  spans: Map<string, Span>;
  /** span of an object member's name (for findings about the element name itself) */
  keySpans: Map<string, Span>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
  }
}

export const pathKey = (path: Array<string | number>): string => path.join('/');

export function parseLocated(text: string): LocatedJson {
  const spans = new Map<string, Span>();
  const keySpans = new Map<string, Span>();
  let i = 0;
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const pos = (at: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo], offset: at };
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, pos(Math.min(i, text.length)));
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('invalid string escape');
    }
  };
  const value = (path: Array<string | number>): unknown => {
    if (path.length > 64) fail('the document is nested too deeply');
    ws();
    const start = i;
    let v: unknown;
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          const ks = i;
          const k = str();
          keySpans.set(pathKey([...path, k]), { start: pos(ks), end: pos(i) });
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
          obj[k] = value([...path, k]);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail("expected ',' or '}'");
        }
      v = obj;
    } else if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') i++;
      else
        for (;;) {
          arr.push(value([...path, arr.length]));
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail("expected ',' or ']'");
        }
      v = arr;
    } else if (c === '"') v = str();
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail('unexpected character');
      i += m![0].length;
      v = JSON.parse(m![0]);
    }
    spans.set(pathKey(path), { start: pos(start), end: pos(i) });
    return v;
  };
  const v = value([]);
  ws();
  if (i < text.length) fail('unexpected text after the JSON document');
  return { value: v, spans, keySpans };
}

/** Access Analyzer's path elements for a path of names and indexes. */
export function pathElements(path: Array<string | number>): PathElement[] {
  return path.map((p) => (typeof p === 'number' ? { index: p } : { value: p }));
}
