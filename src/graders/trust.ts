/**
 * Reading trust policies for state-aware hints: which principals a role's trust policy lets
 * assume it ("the trust policy lets lambda.amazonaws.com assume EC2AccessRole, not EC2").
 */
import { asList, parsePolicy, statementCoversAction, statementsOf } from '../policy/statements.js';
import { MissingPrincipal, type Probes } from './probes.js';

export interface TrustedPrincipals {
  services: string[];
  aws: string[];
  conditions: boolean;
}

export function trustedPrincipals(trustDoc: string): TrustedPrincipals {
  const out: TrustedPrincipals = { services: [], aws: [], conditions: false };
  for (const st of statementsOf(parsePolicy(trustDoc))) {
    if (st.Effect !== 'Allow' || !statementCoversAction(st, 'sts:AssumeRole')) continue;
    const p = st.Principal as Record<string, unknown> | string | undefined;
    if (p === '*') out.aws.push('*');
    else if (p && typeof p === 'object') {
      out.services.push(...asList(p.Service));
      out.aws.push(...asList(p.AWS));
    }
    if (st.Condition) out.conditions = true;
  }
  return out;
}

function describe(t: TrustedPrincipals): string {
  const who = [...t.services, ...t.aws.map((a) => (a === '*' ? 'everyone ("*")' : a))];
  return who.length ? who.join(' and ') : 'nobody';
}

/**
 * A hint naming what the trust policy actually trusts when it is not what the step wants
 * (typos such as "lamda.amazonaws.com" are added by probeCondition for every document).
 */
export async function trustHint(probes: Probes, role: string, wanted: string): Promise<string | undefined> {
  let trust;
  try {
    trust = (await probes.rolePolicies(role)).trust.document;
  } catch (e) {
    if (e instanceof MissingPrincipal) return undefined;
    throw e;
  }
  const t = trustedPrincipals(trust);
  const parts: string[] = [];
  const all = [...t.services, ...t.aws];
  const onlyWanted = all.length === 1 && all[0] === wanted;
  if (!onlyWanted) parts.push(`The trust policy lets ${describe(t)} assume ${role}; this step wants ${wanted}${all.includes(wanted) ? ' only' : ''}.`);
  return parts.length ? parts.join(' ') : undefined;
}
