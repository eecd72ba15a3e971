/**
 * The next action for a failed permission probe, worked out from the same outcome the `why`
 * explains: which element of which statement to change, and to what. A step gives its own
 * hint when it knows better (where the learner probably put a policy); otherwise this one is
 * shown, so every failed probe ends with something to do.
 */
import { describeResource } from '../policy/explain.js';
import { asList } from '../policy/statements.js';
import type { NearMiss } from '../policy/types.js';
import { closestAllowMisses, HYPOTHETICAL_SOURCE, missRank, statementLabel, type Expectation } from './explain.js';
import type { ProbeOutcome } from './probes.js';
import { matchClauses, statementOf } from './statement-match.js';

const AWS_MANAGED = ':iam::aws:policy/';

/** The S3 ARN to write for a resource the statement missed: the bucket for bucket actions, bucket/* for objects. */
function resourceToWrite(resource: string): string {
  const m = /^(arn:[\w-]+:s3:::[^/]+)(\/.*)?$/.exec(resource);
  if (!m) return resource;
  return m[2] ? `${m[1]}/*` : m[1];
}

/** "the trust policy of role X" for resource policies, the bare name for identity policies */
const the = (policy: string) => (/^(trust|bucket) policy /.test(policy) ? `the ${policy}` : policy);
/** "the trust policy of role X, statement 1" / "ReportsReader, statement 1" */
const where = (m: Pick<NearMiss, 'policy' | 'index' | 'sid'>) => `${the(m.policy)}, ${statementLabel(m.index, m.sid)}`;

/** Who to give a policy to, in the words of an attach command. */
function holder(outcome: ProbeOutcome): string {
  const label = outcome.principalLabel;
  const group = /^a member of group (.+)$/.exec(label);
  return group ? `group ${group[1]}` : label;
}

function allowFix(outcome: ProbeOutcome): string {
  const { action, resource } = outcome.request;
  const r = outcome.result;
  if (r.deniedBy === 'boundary') return `Add ${action} to the permissions boundary of ${outcome.principalLabel}, or remove the boundary if it is not meant to be there.`;
  // a typo in Action is a near miss too; a statement about another resource altogether is not
  const typo = r.nearMisses.find((m) => m.effect === 'Allow' && (m.element === 'Action' || m.element === 'NotAction'));
  const miss = closestAllowMisses(outcome).find((m) => missRank(m) < 2) ?? typo;
  if (miss) {
    switch (miss.element) {
      case 'Resource': {
        const want = resourceToWrite(resource);
        // Other actions in the statement may need the Resource it has (s3:GetObject next to
        // s3:ListBucket): replacing it would fix this probe and break theirs.
        const st = statementOf(outcome, miss)?.st;
        const others = st?.Action === undefined ? [] : asList(st.Action).filter((a) => a.toLowerCase() !== action.toLowerCase());
        if (others.length) {
          return `Give ${action} its own statement with the Resource ${want} (or add ${want} to the Resource of ${where(miss)}, keeping what is there for ${others.join(', ')}): ${action} acts on ${describeResource(resource)}.`;
        }
        return `Change the Resource of ${where(miss)} to ${want}: ${action} acts on ${describeResource(resource)}.`;
      }
      case 'NotResource':
        return `Take ${resource} out of the NotResource of ${where(miss)}.`;
      case 'Principal':
        if (miss.handsOverToAccount) {
          return `Name ${outcome.principalLabel} in the Principal of ${where(miss)} (its ARN), or give ${outcome.principalLabel} an identity policy that allows ${action} on ${resource}.`;
        }
        return `Add ${outcome.request.principal.arn} to the Principal of ${where(miss)}.`;
      case 'NotPrincipal':
        return `Take ${outcome.request.principal.arn} out of the NotPrincipal of ${where(miss)}.`;
      case 'Condition': {
        const op = /^Condition (\S+) on/.exec(miss.detail)?.[1] ?? '';
        const positive = op.replace(/^(String|Arn|Numeric|Date)?Not/, '$1');
        if (op && positive !== op) return `Use ${positive} instead of ${op} in the Condition of ${where(miss)}: ${op} matches only values outside what it lists.`;
        return miss.detail.includes('IpAddress operator')
          ? `Use the IpAddress operator in the Condition of ${where(miss)}: it compares addresses with CIDR ranges.`
          : `Change the Condition of ${where(miss)} so this request meets it: ${miss.detail.replace(/^Condition /, '')}.`;
      }
      case 'Action':
      case 'NotAction':
        return `Fix the Action of ${where(miss)}: ${miss.detail.replace(/^(Not)?Action /, '')}.`;
    }
  }
  if (r.deniedBy === 'resource' && /^sts:AssumeRole/i.test(action)) {
    return `Add ${outcome.request.principal.arn} to the Principal of the ${outcome.policies.find((p) => p.kind === 'resource')?.name ?? 'trust policy'}.`;
  }
  if (outcome.identityIgnored) return `Add a statement to the ${outcome.policies.find((p) => p.kind === 'resource')?.name ?? 'resource policy'} that allows ${outcome.principalLabel} to ${action} on ${resourceToWrite(resource)}.`;
  return `Give ${holder(outcome)} a policy that allows ${action} on ${resourceToWrite(resource)}.`;
}

function denyFix(outcome: ProbeOutcome, want: Expectation): string {
  const { action, resource, context } = outcome.request;
  const ref = outcome.result.deciding.find((d) => d.effect === 'Allow' && outcome.policies.find((p) => p.name === d.policy)?.source !== HYPOTHETICAL_SOURCE);
  const found = ref ? statementOf(outcome, ref) : undefined;
  if (want === 'explicit-deny') {
    if (outcome.result.nearMisses.some((m) => m.effect === 'Deny')) return explicitDenyFix(outcome);
    const by = found ? ` (it wins over ${found.policy.name})` : '';
    return `Add a statement with "Effect": "Deny" for ${action} on ${resourceToWrite(resource)} to a policy of ${holder(outcome)}${by}.`;
  }
  if (!found) return `Remove what allows ${outcome.principalLabel} to ${action} on ${resource}.`;
  const label = `${the(found.policy.name)}, ${statementLabel(found.index, found.st.Sid)}`;
  if (found.policy.arn?.includes(AWS_MANAGED)) {
    // an AWS managed policy cannot be narrowed: take it away from whoever should not have it
    const viaGroup = /^attached to group (\S+) \((.+) is a member\)$/.exec(found.policy.source ?? '');
    if (viaGroup) return `Take ${viaGroup[2]} out of group ${viaGroup[1]} (aws iam remove-user-from-group): ${found.policy.name} reaches ${viaGroup[2]} through that group.`;
    const from = (found.policy.source ?? '').replace(/^attached to /, '');
    return `Detach ${found.policy.name}${from ? ` from ${from}` : ''}: it allows ${action} on ${resource}, more than this step wants.`;
  }
  // the element most likely at fault first: an open Principal, wildcards, a Condition, then a named Principal
  const rank = (c: { element: string; value?: string }) =>
    c.element === 'Principal' ? (c.value === '*' ? 0 : 4) : c.element === 'Condition' ? 3 : c.value === action ? 5 : c.element.endsWith('Action') ? 1 : 2;
  const clause = matchClauses(found.st, { action, resource, context }, found.policy.kind === 'resource').sort((a, b) => rank(a) - rank(b))[0];
  switch (clause.element) {
    case 'Principal':
      return `Narrow the Principal of ${label}: it lets ${outcome.principalLabel} in.`;
    case 'Action':
    case 'NotAction':
      return clause.value === action
        ? `Remove ${action} from ${label}.`
        : `Narrow the ${clause.element} of ${label} to the actions this step asks for: ${clause.element === 'Action' ? `"${clause.value}"` : 'it'} covers ${action}.`;
    case 'Resource':
    case 'NotResource':
      return `Narrow the ${clause.element === 'NotResource' ? 'NotResource (use Resource instead)' : 'Resource'} of ${label}: it reaches ${resource}.`;
    case 'Condition':
      if (!clause.value) return `Add a Condition to ${label}: without one it applies to every request.`;
      if (/IfExists$/i.test(clause.value)) return `Use ${clause.value.replace(/IfExists$/i, '')} instead of ${clause.value} in the Condition of ${label}: a missing key must not count as a match.`;
      return `Change the Condition of ${label}: ${clause.text}, and this request should not get through.`;
  }
}

function explicitDenyFix(outcome: ProbeOutcome): string {
  const { action, resource } = outcome.request;
  const miss = outcome.result.nearMisses.find((m) => m.effect === 'Deny');
  if (miss?.element === 'Resource') return `Change the Resource of the Deny in ${where(miss)} to ${resourceToWrite(resource)}: ${action} acts on ${describeResource(resource)}.`;
  if (miss) return `Fix the ${miss.element} of the Deny in ${where(miss)}: ${miss.detail}.`;
  return `Add a statement with "Effect": "Deny" for ${action} on ${resourceToWrite(resource)} to a policy of ${holder(outcome)}.`;
}

function unDenyFix(outcome: ProbeOutcome): string {
  const { action, resource } = outcome.request;
  const ref = outcome.result.deciding.find((d) => d.effect === 'Deny');
  const found = ref ? statementOf(outcome, ref) : undefined;
  if (!found) return `Remove the Deny that covers ${action} on ${resource}.`;
  const clause = matchClauses(found.st, { action, resource }, found.policy.kind === 'resource')[0];
  return `Narrow the ${clause.element} of the Deny in ${the(found.policy.name)}, ${statementLabel(found.index, found.st.Sid)}: it also covers ${action} on ${resource}.`;
}

/** The next action that would make the probe come out as wanted. */
export function suggestFix(outcome: ProbeOutcome, want: Expectation): string {
  const d = outcome.result.decision;
  if (want === 'allow') return d === 'ExplicitlyDenied' ? unDenyFix(outcome) : allowFix(outcome);
  if (d === 'Allowed') return denyFix(outcome, want);
  return explicitDenyFix(outcome);
}
