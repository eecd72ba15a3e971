/**
 * hygiene/require-mfa: a policy on group admins denies everything but setting up one's own MFA
 * unless the request was authenticated with MFA. Graded by probes, whatever the policy's text:
 * long-term keys (no aws:MultiFactorAuthPresent key at all) and sessions without MFA are denied,
 * MFA sessions allowed, own MFA setup stays possible, and the Deny reaches every member.
 */
import { AttachUserPolicyCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { asList, parsePolicy, statementCoversAction, statementsOf, type PolicyStatement } from '../../policy/statements.js';
import { accountInfo, attachToGroup, createCustomerPolicy, customerPolicyArn, iamArn } from '../aws.js';
import { passed, probeCondition } from '../conditions.js';
import { MissingPrincipal, Probes, type PrincipalRef, type ProbeRequest } from '../probes.js';
import { defineStep, type Condition } from '../types.js';
import { ADMINS, ALAN, REQUIRE_MFA } from './names.js';

/** What a user needs, without MFA, to set up MFA: AWS's own example keeps exactly these out of the Deny.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html */
export const MFA_SETUP_ACTIONS = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
];

const denyUnlessMfa = (operator: string, value: string, except: string[] | undefined) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyAllExceptMfaSetupWithoutMfa',
      Effect: 'Deny',
      ...(except ? { NotAction: except } : { Action: '*' }),
      Resource: '*',
      Condition: { [operator]: { 'aws:MultiFactorAuthPresent': value } },
    },
  ],
});

/** The reference policy: AWS's DenyAllExceptListedIfNoMFA statement. */
export const REQUIRE_MFA_POLICY = denyUnlessMfa('BoolIfExists', 'false', MFA_SETUP_ACTIONS);

const MFA_SESSION = { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '300' };
const NO_MFA_SESSION = { 'aws:MultiFactorAuthPresent': 'false' };

/**
 * Run several probes that must all meet `want`, reported as one condition: the first one that
 * does not, under the condition's own name (what was probed is in its `why`).
 */
async function allProbes(probes: Probes, name: string, reqs: ProbeRequest[], want: 'allow' | 'deny', hint?: () => Promise<string | undefined>): Promise<Condition> {
  for (const req of reqs) {
    const c = await probeCondition(probes, `${name}: ${req.action}`, req, want, hint);
    if (c.status !== 'passed') return { ...c, name, found: `${req.action} ${c.found}` };
  }
  return passed(name, want === 'allow' ? 'allowed' : 'denied', want === 'allow' ? 'allowed' : 'denied');
}

/** A Deny statement that tests aws:MultiFactorAuthPresent: its operator, the values it compares with, where it is. */
type Operator = { operator: string; values: string[]; statement: string; st: PolicyStatement };

/** Deny statements of admin-alan's policies that test aws:MultiFactorAuthPresent, with their operator (for hints). */
async function mfaOperators(probes: Probes): Promise<Operator[]> {
  let gathered;
  try {
    gathered = await probes.userPolicies(ALAN);
  } catch (e) {
    if (e instanceof MissingPrincipal) return [];
    throw e;
  }
  const out: Operator[] = [];
  for (const p of gathered.identity) {
    if (p.arn?.includes(':iam::aws:policy/')) continue;
    statementsOf(parsePolicy(p.document)).forEach((st, i) => {
      if (st.Effect !== 'Deny' || !st.Condition) return;
      for (const [operator, keys] of Object.entries(st.Condition)) {
        const key = Object.keys(keys ?? {}).find((k) => k.toLowerCase() === 'aws:multifactorauthpresent');
        if (key) {
          const values = asList(keys[key]).map((v) => v.toLowerCase());
          out.push({ operator, values, statement: `${p.name} (${p.source}), statement ${i + 1}${st.Sid ? ` "${st.Sid}"` : ''}`, st });
        }
      }
    });
  }
  return out;
}

export const requireMfa = defineStep({
  id: 'hygiene/require-mfa',
  async check(ctx) {
    const probes = new Probes(ctx);
    const { partition, accountId } = await accountInfo(ctx);
    const alan: PrincipalRef = { kind: 'user', name: ALAN };
    const alanArn = await iamArn(ctx, 'user', ALAN);
    const mfaArn = `arn:${partition}:iam::${accountId}:mfa/${ALAN}`;
    const operators = await mfaOperators(probes);

    const invertedHint = `Check the value in the Deny's Condition: it must apply when aws:MultiFactorAuthPresent is "false" (or missing), not "true".`;
    /** Why a request without MFA got through the learner's Deny (undefined: the probe's own fix says it). */
    const longTermHint = (action: string) => async () => {
      const bool = operators.find((o) => o.operator.toLowerCase() === 'bool');
      // The key is absent for long-term credentials, so Bool does not match and the Deny does not
      // apply; BoolIfExists matches a missing key. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
      if (bool) return `${bool.statement} tests aws:MultiFactorAuthPresent with Bool. Requests signed with an access key carry no aws:MultiFactorAuthPresent key at all, so a Bool test on it does not match and the Deny lets them through. Use BoolIfExists, which also matches when the key is missing.`;
      if (!operators.length) return `Nothing denies ${ALAN} yet: add a Deny with "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}} to group ${ADMINS}.`;
      if (!operators.some((o) => statementCoversAction(o.st, action))) {
        return `Change the Action of ${operators[0].statement}: it does not cover ${action}, so without MFA every other service stays open. Deny every action except the MFA setup ones: "NotAction": [${MFA_SETUP_ACTIONS.map((a) => `"${a}"`).join(', ')}].`;
      }
      if (operators.every((o) => o.values.includes('true'))) return invertedHint;
      return undefined;
    };
    const setupHint = async () =>
      `The Deny also blocks what ${ALAN} needs to set up MFA: he could never turn it on. Replace the Deny's Action with "NotAction": [${MFA_SETUP_ACTIONS.map((a) => `"${a}"`).join(', ')}], so it covers every action but those.`;
    const groupHint = async () => {
      const onUser = operators.find((o) => o.statement.includes(`on user ${ALAN}`) || o.statement.includes(`to user ${ALAN}`));
      const onGroup = operators.find((o) => o.statement.includes(`group ${ADMINS}`));
      if (onGroup && !onUser) return longTermHint('iam:ListUsers')();
      return onUser
        ? `${onUser.statement} is on user ${ALAN}, not on group ${ADMINS}: the next administrator added to the group would not get it. Attach the policy to the group instead.`
        : `Attach the policy to group ${ADMINS}: aws iam attach-group-policy --group-name ${ADMINS} --policy-arn ${await customerPolicyArn(ctx, REQUIRE_MFA)}`;
    };

    const out: Condition[] = [
      await probeCondition(probes, `${ALAN} with his access key (no MFA) cannot list users`, { principal: alan, action: 'iam:ListUsers', resource: '*' }, 'deny', longTermHint('iam:ListUsers')),
      await probeCondition(probes, `${ALAN} without MFA cannot use other services either (s3:ListAllMyBuckets)`, { principal: alan, action: 's3:ListAllMyBuckets', resource: '*' }, 'deny', longTermHint('s3:ListAllMyBuckets')),
      await probeCondition(probes, `${ALAN} in a session without MFA (aws:MultiFactorAuthPresent=false) cannot list users`, { principal: alan, action: 'iam:ListUsers', resource: '*', context: NO_MFA_SESSION }, 'deny', longTermHint('iam:ListUsers')),
      await probeCondition(probes, `${ALAN} signed in with MFA (aws:MultiFactorAuthPresent=true) can list users`, { principal: alan, action: 'iam:ListUsers', resource: '*', context: MFA_SESSION }, 'allow', async () => {
        const inverted = operators.find((o) => /^bool(ifexists)?$/i.test(o.operator));
        return inverted ? invertedHint : undefined;
      }),
      await allProbes(
        probes,
        `${ALAN} can still set up his own MFA without MFA`,
        [
          { principal: alan, action: 'iam:CreateVirtualMFADevice', resource: mfaArn },
          { principal: alan, action: 'iam:EnableMFADevice', resource: alanArn },
          { principal: alan, action: 'iam:ListMFADevices', resource: alanArn },
          { principal: alan, action: 'iam:ResyncMFADevice', resource: alanArn },
          { principal: alan, action: 'iam:GetUser', resource: alanArn },
        ],
        'allow',
        setupHint,
      ),
      await probeCondition(probes, `any member of ${ADMINS} without MFA cannot list users (the Deny is on the group)`, { principal: { kind: 'group-member', group: ADMINS }, action: 'iam:ListUsers', resource: '*' }, 'deny', groupHint),
    ];
    return out;
  },
  async solve(ctx) {
    await attachToGroup(ctx, ADMINS, await createCustomerPolicy(ctx, REQUIRE_MFA, REQUIRE_MFA_POLICY));
  },
  mistakes: [
    {
      name: 'Deny with no exceptions (locks admin-alan out of MFA setup)',
      element: 'Action',
      apply: async (ctx) => attachToGroup(ctx, ADMINS, await createCustomerPolicy(ctx, REQUIRE_MFA, denyUnlessMfa('BoolIfExists', 'false', undefined))),
      expectFeedback: /admin-alan can still set up his own MFA without MFA[\s\S]*iam:CreateVirtualMFADevice explicitly denied[\s\S]*could never turn it on[\s\S]*NotAction/,
    },
    {
      name: 'Bool instead of BoolIfExists (long-term keys slip through)',
      element: 'BoolIfExists',
      apply: async (ctx) => attachToGroup(ctx, ADMINS, await createCustomerPolicy(ctx, REQUIRE_MFA, denyUnlessMfa('Bool', 'false', MFA_SETUP_ACTIONS))),
      expectFeedback: /admin-alan with his access key \(no MFA\) cannot list users[\s\S]*Allowed when it should not be[\s\S]*tests aws:MultiFactorAuthPresent with Bool[\s\S]*Use BoolIfExists/,
    },
    {
      name: 'attached to user admin-alan instead of the group',
      element: 'group admins',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(new AttachUserPolicyCommand({ UserName: ALAN, PolicyArn: await createCustomerPolicy(ctx, REQUIRE_MFA, REQUIRE_MFA_POLICY) }))),
      expectFeedback: /any member of admins without MFA cannot list users[\s\S]*is on user admin-alan, not on group admins/,
    },
    {
      name: 'only IAM denied without MFA',
      element: 'Action',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(
          new PutGroupPolicyCommand({
            GroupName: ADMINS,
            PolicyName: 'DenyIamWithoutMfa',
            PolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Deny', Action: 'iam:*', NotResource: [`arn:aws:iam::*:user/\${aws:username}`, `arn:aws:iam::*:mfa/\${aws:username}`], Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }],
            }),
          }),
        )),
      expectFeedback: /admin-alan without MFA cannot use other services either \(s3:ListAllMyBuckets\)[\s\S]*Allowed when it should not be: AdministratorAccess[\s\S]*Change the Action of DenyIamWithoutMfa[\s\S]*does not cover s3:ListAllMyBuckets/,
    },
    {
      name: 'Deny when MFA is present (the value inverted)',
      element: 'Condition',
      apply: async (ctx) => attachToGroup(ctx, ADMINS, await createCustomerPolicy(ctx, REQUIRE_MFA, denyUnlessMfa('BoolIfExists', 'true', MFA_SETUP_ACTIONS))),
      expectFeedback: /in a session without MFA[\s\S]*Deny's Condition[\s\S]*"false" \(or missing\), not "true"[\s\S]*signed in with MFA \(aws:MultiFactorAuthPresent=true\) can list users[\s\S]*explicitly denied/,
    },
  ],
});
