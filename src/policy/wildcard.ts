/**
 * IAM wildcard matching without backtracking. `*` matches any run of characters (also none) and
 * `?` exactly one character, as in Action, Resource, StringLike and ArnLike. A regular expression
 * built from such a pattern backtracks (each `*` as `.*` multiplies the work: `*a*a*a*a*b` against
 * 200 `a`s takes seconds to minutes); this greedy two-pointer matcher only ever lets the most
 * recent `*` grow, so one match costs at most (text length × pattern length) steps, and about
 * text length for the patterns policies use. Every match can draw on a budget shared by one
 * request, so no input, however long, holds the event loop for long.
 */

/**
 * Steps left for one request's matching; `take` throws MatchBudgetExceeded when they run out.
 * The emulator makes one per request and passes it with every evaluation the request causes
 * (EvaluationRequest.budget); a lone evaluation (a grader's probe) gets its own.
 */
export class MatchBudget {
  /** when this request last let other requests run (performance.now()) */
  private lastYield = performance.now();

  constructor(public remaining: number = DEFAULT_MATCH_BUDGET) {}

  take(steps: number): void {
    this.remaining -= steps;
    if (this.remaining < 0) throw new MatchBudgetExceeded();
  }

  get exhausted(): boolean {
    return this.remaining < 0;
  }

  /**
   * Let other requests run when this one has held the event loop for a while: a request that
   * evaluates many times (DeleteObjects of 1000 keys, SimulatePrincipalPolicy of many actions)
   * then shares the server instead of stalling it.
   */
  async yieldIfBusy(sliceMs = YIELD_EVERY_MS): Promise<void> {
    if (performance.now() - this.lastYield < sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }
}

/** How long one request may run before letting others in. */
const YIELD_EVERY_MS = 8;

/**
 * Steps one request may spend matching patterns: a few tens of milliseconds at most, far more
 * than any real policy needs (a match usually costs about the length of the text).
 */
export const DEFAULT_MATCH_BUDGET = 4_000_000;

export class MatchBudgetExceeded extends Error {
  constructor(message = 'Matching the wildcard patterns of the policies against this request took more steps than one request may spend.') {
    super(message);
    this.name = 'MatchBudgetExceeded';
  }
}

export interface WildcardOptions {
  /** compare letters without regard to case (actions, ARN partition/service/region/account) */
  ignoreCase?: boolean;
  /**
   * Which `*` and `?` of the pattern are wildcards (1) rather than literal characters (0), for
   * patterns that came from IAM strings with `${*}` / `${?}` escapes. Absent: all of them.
   */
  wild?: Uint8Array;
  budget?: MatchBudget;
}

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/** Steps are charged in chunks, so the budget check costs nothing measurable per character. */
const CHARGE_EVERY = 1024;

export function wildcardMatch(pattern: string, text: string, opts: WildcardOptions = {}): boolean {
  const { ignoreCase = false, wild, budget } = opts;
  const m = pattern.length;
  const n = text.length;
  const isWild = (p: number, code: number) => (code === STAR || code === QUESTION) && (wild === undefined || wild[p] === 1);
  let p = 0;
  let t = 0;
  let starP = -1; // position of the last `*` seen in the pattern
  let starT = 0; // where in the text that `*` currently ends
  let steps = 0;
  while (t < n) {
    if (++steps === CHARGE_EVERY) {
      budget?.take(steps);
      steps = 0;
    }
    const pc = p < m ? pattern.charCodeAt(p) : -1;
    if (pc === QUESTION && isWild(p, pc)) {
      p++;
      t += codePointWidth(text, t);
    } else if (pc === STAR && isWild(p, pc)) {
      starP = p++;
      starT = t;
    } else if (pc >= 0 && sameChar(pc, text.charCodeAt(t), ignoreCase)) {
      p++;
      t++;
    } else if (starP >= 0) {
      // Let the last `*` take one more character and retry the rest of the pattern after it.
      starT += codePointWidth(text, starT);
      t = starT;
      p = starP + 1;
    } else {
      budget?.take(steps);
      return false;
    }
  }
  budget?.take(steps);
  while (p < m && pattern.charCodeAt(p) === STAR && isWild(p, STAR)) p++;
  return p === m;
}

/** Whether a pattern has any wildcard at all (else it is compared as plain text). */
export function hasWildcard(pattern: string, wild?: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if ((c === STAR || c === QUESTION) && (wild === undefined || wild[i] === 1)) return true;
  }
  return false;
}

/** `?` matches one character: a surrogate pair (an emoji in an S3 key) is one character. */
function codePointWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function sameChar(a: number, b: number, ignoreCase: boolean): boolean {
  if (a === b) return true;
  if (!ignoreCase) return false;
  if (a < 128 && b < 128) {
    // ASCII letters differ by 0x20 between cases.
    const la = a >= 65 && a <= 90 ? a + 32 : a;
    const lb = b >= 65 && b <= 90 ? b + 32 : b;
    return la === lb;
  }
  return String.fromCharCode(a).toLowerCase() === String.fromCharCode(b).toLowerCase();
}
