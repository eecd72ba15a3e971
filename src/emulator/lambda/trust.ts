/**
 * What Lambda checks about an execution role before it accepts it: the role exists and its trust
 * policy lets the Lambda service (lambda.amazonaws.com) call sts:AssumeRole — evaluated by the
 * project's policy engine, so a trust naming ec2.amazonaws.com fails as it does on AWS.
 */
import { policyEngine } from '../../policy/index.js';
import { nameKey, type Role } from '../iam/models.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { InvalidParameterValue, ROLE_CANNOT_BE_ASSUMED, ValidationError } from './errors.js';

const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::(\d{12}):role\/?([a-zA-Z_0-9+=,.@\-_/]+)$/;

export function validateRoleArn(role: unknown): string {
  if (typeof role !== 'string' || !ROLE_ARN.test(role)) {
    throw ValidationError(
      `1 validation error detected: Value '${String(role)}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`,
    );
  }
  return role;
}

/** The role Lambda would assume, or InvalidParameterValueException as Lambda words it. */
export async function assumableExecutionRole(ctx: RequestContext, roleArn: string): Promise<Role> {
  const m = ROLE_ARN.exec(roleArn)!;
  const name = m[3].split('/').pop()!;
  const account = ctx.emulator.state.accounts.get(m[2]);
  const role = account ? getRecord(account.iam.roles, nameKey(name)) : undefined;
  if (!role || role.arn !== roleArn) throw InvalidParameterValue(ROLE_CANNOT_BE_ASSUMED);
  const result = await policyEngine.evaluate({
    principal: { arn: 'lambda.amazonaws.com', type: 'service' },
    action: 'sts:AssumeRole',
    resource: role.arn,
    resourceAccount: m[2],
    identityPolicies: [],
    resourcePolicy: { name: `trust policy of ${role.roleName}`, document: role.assumeRolePolicyDocument },
  });
  if (result.decision !== 'Allowed') throw InvalidParameterValue(ROLE_CANNOT_BE_ASSUMED);
  return role;
}
