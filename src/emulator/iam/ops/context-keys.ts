/**
 * GetContextKeysForCustomPolicy / GetContextKeysForPrincipalPolicy: the context keys a set of
 * policies refers to, in their Condition blocks and as policy variables (${aws:username}), each
 * once (keys compare case-insensitively), in the order the policies use them.
 */
import { InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations } from '../constraints.js';
import { nameKey } from '../models.js';
import { gatherPolicies } from '../policy-documents.js';
import { iam } from '../util.js';

const VARIABLE = /\$\{([^}]+)\}/g;

/** Context keys of one policy document; InvalidInput when it is not JSON. */
export function contextKeysOf(document: string): string[] {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    throw new InvalidInput('Syntax errors in policy.');
  }
  const keys: string[] = [];
  const variablesIn = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(VARIABLE)) if (m[1].includes(':')) keys.push(m[1].split(',')[0].trim());
    } else if (Array.isArray(v)) {
      v.forEach(variablesIn);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(variablesIn);
    }
  };
  for (const s of [doc.Statement ?? []].flat() as Array<Record<string, unknown>>) {
    if (!s || typeof s !== 'object') continue;
    variablesIn(s.Resource);
    variablesIn(s.NotResource);
    const condition = s.Condition;
    if (condition && typeof condition === 'object') {
      for (const block of Object.values(condition as Record<string, unknown>)) {
        if (!block || typeof block !== 'object') continue;
        for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
          keys.push(key);
          variablesIn(value);
        }
      }
    }
  }
  return keys;
}

function uniqueKeys(documents: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const key of documents.flatMap(contextKeysOf)) {
    if (seen.has(key.toLowerCase())) continue;
    seen.add(key.toLowerCase());
    out.push(key);
  }
  return out;
}

function checkInputs(documents: string[], required: boolean): void {
  new Violations().list(documents, 'policyInputList', { minItems: required ? 1 : 0, min: 1, max: 131072, pattern: PATTERNS.document }).done();
}

/** The policies of the user (with its groups'), group or role a PolicySourceArn names. */
function principalDocuments(ctx: RequestContext, arn: string): string[] {
  const m = /^arn:aws:iam::(\d{12}):(user|group|role)(?:\/.*)?\/([^/]+)$/.exec(arn);
  if (!m) throw new InvalidInput(`ARN ${arn} is not valid.`);
  const state = iam(ctx);
  const name = m[3];
  const entity = m[2] === 'user' ? state.users[nameKey(name)] : m[2] === 'group' ? state.groups[nameKey(name)] : state.roles[nameKey(name)];
  if (!entity || m[1] !== ctx.account.accountId) throw new NoSuchEntity(`The ${m[2]} with name ${name} cannot be found.`);
  const gathered =
    m[2] === 'user'
      ? gatherPolicies(state, { kind: 'user', user: state.users[nameKey(name)] })
      : m[2] === 'group'
        ? gatherPolicies(state, { kind: 'group', group: state.groups[nameKey(name)] })
        : gatherPolicies(state, { kind: 'role', role: state.roles[nameKey(name)] });
  return gathered.identity.map((p) => p.document);
}

export const contextKeyOperations: QueryOperationTable = {
  GetContextKeysForCustomPolicy: {
    readOnly: true,
    handler: (_ctx, p) => {
      const documents = p.list('PolicyInputList');
      if (!documents.length) p.required('PolicyInputList');
      checkInputs(documents, true);
      return { ContextKeyNames: uniqueKeys(documents) };
    },
  },
  GetContextKeysForPrincipalPolicy: {
    readOnly: true,
    resource: (_ctx, p) => p.str('PolicySourceArn') ?? '*',
    handler: (ctx, p) => {
      const arn = p.required('PolicySourceArn');
      const extra = p.list('PolicyInputList');
      new Violations().string(arn, 'policySourceArn', { min: 20, max: 2048 }).done();
      checkInputs(extra, false);
      return { ContextKeyNames: uniqueKeys([...principalDocuments(ctx, arn), ...extra]) };
    },
  },
};
