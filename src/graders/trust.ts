/**
 * Reading trust policies for state-aware hints: which principals a role's trust policy lets
 * assume it ("the trust policy lets lambda.amazonaws.com assume EC2AccessRole, not EC2"), and
 * the command that fixes it.
 * Principal forms: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import { asList, parsePolicy, statementCoversAction, statementsOf } from '../policy/statements.js';
import { MissingPrincipal, type Probes } from './probes.js';

export interface TrustedPrincipals {
  services: string[];
  aws: string[];
  /** condition operators used by the statements that let principals in (e.g. "Bool", "BoolIfExists") */
  operators: string[];
}

export function trustedPrincipals(trustDoc: string): TrustedPrincipals {
  const out: TrustedPrincipals = { services: [], aws: [], operators: [] };
  for (const st of statementsOf(parsePolicy(trustDoc))) {
    if (st.Effect !== 'Allow' || !statementCoversAction(st, 'sts:AssumeRole')) continue;
    const p = st.Principal as Record<string, unknown> | string | undefined;
    if (p === '*') out.aws.push('*');
    else if (p && typeof p === 'object') {
      out.services.push(...asList(p.Service));
      out.aws.push(...asList(p.AWS));
    }
    out.operators.push(...Object.keys(st.Condition ?? {}));
  }
  return out;
}

/** "the whole account 111122223333" for account principals (an ARN ending in :root, or a bare account id). */
export function principalWords(p: string): string {
  if (p === '*') return 'everyone ("*")';
  const acct = /^(?:arn:[\w-]+:iam::)?(\d{12})(?::root)?$/.exec(p)?.[1];
  return acct ? `the whole account ${acct} (${p})` : p;
}

function describe(t: TrustedPrincipals): string {
  const who = [...t.services, ...t.aws.map(principalWords)];
  return who.length ? who.join(' and ') : 'nobody';
}

/** The trust policy of `role`, or undefined when the role does not exist. */
export async function trustOf(probes: Probes, role: string): Promise<TrustedPrincipals | undefined> {
  try {
    return trustedPrincipals((await probes.rolePolicies(role)).trust.document);
  } catch (e) {
    if (e instanceof MissingPrincipal) return undefined;
    throw e;
  }
}

/**
 * A hint naming what the trust policy actually trusts when it is not what the step wants, and
 * the command that replaces it. `principalJson` is the Principal the step asks for, e.g.
 * `{"Service": "ec2.amazonaws.com"}`; `file` is the trust policy file the chapter wrote (the hint's
 * command must run as copied). (Typos such as "lamda.amazonaws.com", which IAM refuses
 * but other backends may keep, are added by probeCondition for every document.)
 */
export async function trustHint(probes: Probes, role: string, wanted: string, principalJson: string, file: string): Promise<string | undefined> {
  const t = await trustOf(probes, role);
  if (!t) return undefined;
  const all = [...t.services, ...t.aws];
  if (all.length === 1 && all[0] === wanted) return undefined;
  return `The trust policy lets ${describe(t)} assume ${role}; this step wants ${wanted}${all.includes(wanted) ? ' only' : ''}. Make ${principalJson} the only Principal and apply it with aws iam update-assume-role-policy --role-name ${role} --policy-document file://${file}`;
}
