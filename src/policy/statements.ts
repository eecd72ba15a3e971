/**
 * The one reader of a policy document's statements, for everyone who looks inside a policy
 * without evaluating it: the emulator (validation, SimulatePrincipalPolicy, session policies,
 * bucket policies), the engine's preparation, the linter, and the graders' explanations. The
 * decision itself always comes from the engine (engine.ts); this only reads and matches text
 * (wildcards with wildcard.ts, which does not backtrack).
 */
import { wildcardMatch } from './wildcard.js';

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement?: PolicyStatement | PolicyStatement[];
}

/** An element that may be one value or a list, as a list of strings (absent: empty). */
export const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * The Statement element of a parsed document as a list, whatever the document holds: one
 * statement or an array of them; absent (or null) is none. Entries are returned as found (a
 * validator judges their shape).
 */
export function statementList(doc: unknown): unknown[] {
  const s = doc && typeof doc === 'object' ? (doc as { Statement?: unknown }).Statement : undefined;
  return Array.isArray(s) ? s : s === undefined || s === null ? [] : [s];
}

/** A policy's JSON text parsed, or undefined when it is not a JSON object. */
export function parsePolicy(text: string): PolicyDocument | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PolicyDocument) : undefined;
  } catch {
    return undefined;
  }
}

/** The statements of a parsed document, as statements (entries that are not objects are left out). */
export function statementsOf(doc: PolicyDocument | undefined): PolicyStatement[] {
  return statementList(doc).filter((s): s is PolicyStatement => !!s && typeof s === 'object' && !Array.isArray(s));
}

/** IAM action matching: wildcards, case-insensitive. */
export const actionMatches = (pattern: string, action: string): boolean => wildcardMatch(pattern, action, { ignoreCase: true });
/** IAM resource matching: wildcards, case-sensitive. */
export const resourceMatches = (pattern: string, resource: string): boolean => pattern === '*' || wildcardMatch(pattern, resource);

/** Whether a statement's Action / NotAction element covers the action. */
export function statementCoversAction(st: PolicyStatement, action: string): boolean {
  if (st.Action !== undefined) return asList(st.Action).some((p) => actionMatches(p, action));
  if (st.NotAction !== undefined) return !asList(st.NotAction).some((p) => actionMatches(p, action));
  return false;
}

export function statementCoversResource(st: PolicyStatement, resource: string): boolean {
  if (st.Resource !== undefined) return asList(st.Resource).some((p) => resourceMatches(p, resource));
  if (st.NotResource !== undefined) return !asList(st.NotResource).some((p) => resourceMatches(p, resource));
  // Trust and bucket policies may omit Resource (the resource is implied).
  return true;
}
