/** The "X exists" condition, case-aware: `samy` where `Samy` was asked is reported as such. */
import { failed, passed } from './conditions.js';
import type { NameMatch } from './aws.js';
import type { Condition } from './types.js';

export function existsCondition(kind: 'user' | 'group' | 'role', wanted: string, m: NameMatch, createHint: string): Condition {
  const name = `${kind} ${wanted} exists`;
  const expected = `a ${kind} named exactly ${wanted}`;
  if (m.kind === 'exact') return passed(name, expected, `${kind} ${wanted}`);
  if (m.kind === 'case') {
    return failed(
      name,
      expected,
      `${kind} ${m.name} (different case)`,
      `There is a ${kind} called ${m.name}, but this step asks for ${wanted}. IAM keeps the case you type, and names that differ only by case count as the same name, so you cannot have both.`,
      `Delete ${m.name} (aws iam delete-${kind} --${kind}-name ${m.name}) and create ${wanted} with exactly that spelling.`,
    );
  }
  return failed(name, expected, `no ${kind} named ${wanted}`, `The account has no ${kind} called ${wanted} (in any case).`, createHint);
}
