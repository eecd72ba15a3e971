/**
 * The "X exists" condition, case-aware: `samy` where `Samy` was asked is reported as such, and so
 * is a name one or two typos away (`Sammy`).
 * IAM names are unique without regard to case but keep the case they were typed in:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */
import { failed, passed } from './conditions.js';
import type { NameMatch } from './aws.js';
import type { Condition } from './types.js';

export type NamedKind = 'user' | 'group' | 'role' | 'instance profile';

const cliFlag = (kind: NamedKind) => kind.replace(' ', '-');

/** What IAM wants gone before it deletes one (else DeleteConflict). https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html, id_groups_manage_delete.html, id_roles_manage_delete.html */
const CLEAR_FIRST: Record<NamedKind, string> = {
  user: 'IAM refuses while it still has access keys, a password, policies or groups: remove those first',
  group: 'IAM refuses while it still has members or policies: remove those first',
  role: 'IAM refuses while it still has policies or sits in an instance profile: remove those first',
  'instance profile': 'IAM refuses while it still holds a role: remove the role first',
};

export function existsCondition(kind: NamedKind, wanted: string, m: NameMatch, createHint: string): Condition {
  const name = `${kind} ${wanted} exists`;
  const a = kind === 'instance profile' ? 'an' : 'a';
  const expected = `${a} ${kind} named exactly ${wanted}`;
  if (m.kind === 'exact') return passed(name, expected, `${kind} ${wanted}`);
  const remove = (other: string) => `aws iam delete-${cliFlag(kind)} --${cliFlag(kind)}-name ${other}`;
  if (m.kind === 'case') {
    return failed(
      name,
      expected,
      `${kind} ${m.name} (different case)`,
      `There is ${a} ${kind} called ${m.name}, but this step asks for ${wanted}. IAM keeps the case you type, and names that differ only by case count as the same name, so you cannot have both.`,
      `Delete ${m.name} (${remove(m.name)}; ${CLEAR_FIRST[kind]}) and create ${wanted} with exactly that spelling.`,
    );
  }
  if (m.near) {
    return failed(
      name,
      expected,
      `no ${kind} named ${wanted}; there is ${a} ${kind} ${m.near}`,
      `The account has no ${kind} called ${wanted}, but it has one called ${m.near}: a typo? Names must match exactly, because policies, commands and the lab's checks refer to them by name.`,
      `Create ${wanted} (${createHint.replace(/^Create it: /, '')}), then delete ${m.near} if it was a typo: ${remove(m.near)}`,
    );
  }
  return failed(name, expected, `no ${kind} named ${wanted}`, `The account has no ${kind} called ${wanted} (in any case).`, createHint);
}
