/**
 * Lab 03, steps 1–4: roles that AWS services assume. A service principal in a trust policy lets
 * that service assume the role; an instance profile carries a role to an EC2 instance.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
 */
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  paginateListInstanceProfiles,
} from '@aws-sdk/client-iam';
import { accountInfo, accountRootArn, attachToRole, attachToUser, awsManagedArn, createRole, deleteRoleCompletely, matchName } from '../aws.js';
import { fact, failed, passed, probeCondition } from '../conditions.js';
import { existsCondition } from '../names.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint } from '../trust.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { anyUser, awsTrust, objectArn, PROFILE, READ_ONLY, roleArn, roleExists, rolePolicyHint, serviceTrust, setTrust } from './setup.js';

const EC2 = 'ec2.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';
const rootOf = async (ctx: LabContext) => {
  const { partition, accountId } = await accountInfo(ctx);
  return accountRootArn(partition, accountId);
};

export const ec2TrustRole = defineStep({
  id: 'roles/ec2-trust-role',
  async check(ctx) {
    const exists = await roleExists(ctx, 'EC2AccessRole', `Create it: aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://ec2-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, 'EC2AccessRole');
    const hint = () => trustHint(probes, 'EC2AccessRole', EC2, `{"Service": "${EC2}"}`, 'ec2-trust.json');
    const assume = (principal: PrincipalRef) => ({ principal, action: 'sts:AssumeRole', resource });
    return [
      exists,
      await probeCondition(probes, 'EC2 (ec2.amazonaws.com) can assume EC2AccessRole', assume({ kind: 'service', service: EC2 }), 'allow', hint),
      await probeCondition(probes, 'Lambda (lambda.amazonaws.com) cannot assume it', assume({ kind: 'service', service: LAMBDA }), 'deny', hint),
      await probeCondition(probes, 'IAM users cannot assume it', assume(await anyUser(ctx)), 'deny', hint),
    ];
  },
  async solve(ctx) {
    await createRole(ctx, 'EC2AccessRole', serviceTrust(EC2));
  },
  mistakes: [
    {
      name: 'Principal lambda.amazonaws.com',
      element: 'Principal',
      apply: (ctx) => createRole(ctx, 'EC2AccessRole', serviceTrust(LAMBDA)),
      expectFeedback: /Principal names lambda\.amazonaws\.com, which does not include the caller ec2\.amazonaws\.com[\s\S]*The trust policy lets lambda\.amazonaws\.com assume EC2AccessRole; this step wants ec2\.amazonaws\.com/,
    },
    {
      name: 'Principal "*"',
      element: 'Principal',
      apply: (ctx) => createRole(ctx, 'EC2AccessRole', awsTrust('*')),
      expectFeedback: /Lambda \(lambda\.amazonaws\.com\) cannot assume it[\s\S]*its Principal "\*" lets everyone in[\s\S]*lets everyone \("\*"\) assume EC2AccessRole[\s\S]*IAM users cannot assume it/,
    },
    {
      name: 'Principal is the account (…:root) instead of EC2',
      element: 'Principal',
      apply: async (ctx) => createRole(ctx, 'EC2AccessRole', awsTrust(await rootOf(ctx))),
      expectFeedback: /The trust policy lets the whole account \d{12} \(arn:aws:iam::\d{12}:root\) assume EC2AccessRole/,
    },
    {
      name: 'both EC2 and Lambda trusted',
      element: 'Principal',
      apply: (ctx) => createRole(ctx, 'EC2AccessRole', serviceTrust(EC2, LAMBDA)),
      expectFeedback: /Lambda \(lambda\.amazonaws\.com\) cannot assume it[\s\S]*its Principal names ec2\.amazonaws\.com and lambda\.amazonaws\.com[\s\S]*wants ec2\.amazonaws\.com only/,
    },
    {
      name: 'ec2accessrole (wrong case)',
      element: 'ec2accessrole',
      apply: (ctx) => createRole(ctx, 'ec2accessrole', serviceTrust(EC2)),
      expectFeedback: /role ec2accessrole \(different case\)/,
    },
  ],
  variants: [
    {
      name: 'Statement as an object, Service and Action as lists',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(
          new CreateRoleCommand({
            RoleName: 'EC2AccessRole',
            AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Sid: 'EC2', Effect: 'Allow', Principal: { Service: [EC2] }, Action: ['sts:AssumeRole'] } }),
          }),
        )),
    },
  ],
});

const putRoleInline = (role: string, doc: object) => async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'ReadS3', PolicyDocument: JSON.stringify(doc) })));

export const rolePermissions = defineStep({
  id: 'roles/role-permissions',
  async check(ctx) {
    // IAM finds ec2accessrole when asked for EC2AccessRole: only the role by that name counts
    const exists = await roleExists(ctx, 'EC2AccessRole', `Create it first (step 1): aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://ec2-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const role = { kind: 'role' as const, name: 'EC2AccessRole' };
    const resource = await objectArn(ctx);
    const hint = () => rolePolicyHint(ctx, probes, 'EC2AccessRole');
    // the role's own permissions: no bucket policy involved (resourcePolicy 'none')
    return [
      await probeCondition(probes, 'EC2AccessRole can read objects (s3:GetObject)', { principal: role, action: 's3:GetObject', resource, resourcePolicy: 'none' }, 'allow', hint),
      await probeCondition(probes, 'EC2AccessRole cannot write objects (s3:PutObject)', { principal: role, action: 's3:PutObject', resource, resourcePolicy: 'none' }, 'deny', hint),
    ];
  },
  async solve(ctx) {
    await attachToRole(ctx, 'EC2AccessRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
  },
  mistakes: [
    {
      name: 'the policy attached to ec2accessrole (step 1 made in the wrong case)',
      element: 'ec2accessrole',
      apply: async (ctx) => {
        await deleteRoleCompletely(ctx, 'EC2AccessRole');
        await createRole(ctx, 'ec2accessrole', serviceTrust(EC2));
        await attachToRole(ctx, 'ec2accessrole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /role ec2accessrole \(different case\)/,
    },
    { name: 'nothing attached', element: 'no permission policies', apply: async () => {}, expectFeedback: /EC2AccessRole has no permission policies yet/ },
    {
      name: 'AmazonS3FullAccess',
      element: 'AmazonS3FullAccess',
      apply: async (ctx) => attachToRole(ctx, 'EC2AccessRole', await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /Allowed when it should not be: AmazonS3FullAccess, attached to role EC2AccessRole/,
    },
    {
      name: 'attached to a user instead of the role (wrong place)',
      element: 'dev-john',
      apply: async (ctx) => attachToUser(ctx, 'dev-john', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess')),
      expectFeedback: /AmazonS3ReadOnlyAccess is attached to user dev-john, not to role EC2AccessRole/,
    },
    {
      name: 'attached to the other role (ReportsFunctionRole)',
      element: 'ReportsFunctionRole',
      apply: async (ctx) => attachToRole(ctx, 'ReportsFunctionRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess')),
      expectFeedback: /AmazonS3ReadOnlyAccess is attached to role ReportsFunctionRole, not to role EC2AccessRole/,
    },
    {
      name: 'AmazonS3ReadOnlyAccess set as a permissions boundary instead of attached',
      element: 'permissions boundary',
      apply: async (ctx) => void (await ctx.clients.iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'EC2AccessRole', PermissionsBoundary: READ_ONLY }))),
      expectFeedback: /AmazonS3ReadOnlyAccess is the permissions boundary of EC2AccessRole: a boundary only caps/,
    },
    {
      name: 'own inline policy with s3:* (too broad)',
      element: 'Action',
      apply: putRoleInline('EC2AccessRole', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      expectFeedback: /its Action "s3:\*" covers s3:PutObject/,
    },
  ],
  variants: [
    { name: 'inline s3:Get* and s3:List* (Statement as an object)', apply: putRoleInline('EC2AccessRole', { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' } }) },
  ],
});

/** Every instance profile of the account, with the roles inside (for "you named it after the role"). */
async function instanceProfiles(ctx: LabContext): Promise<Array<{ name: string; roles: string[] }>> {
  const out: Array<{ name: string; roles: string[] }> = [];
  for await (const page of paginateListInstanceProfiles({ client: ctx.clients.iam, stopOnSameToken: true }, {})) {
    for (const ip of page.InstanceProfiles ?? []) out.push({ name: ip.InstanceProfileName ?? '', roles: (ip.Roles ?? []).map((r) => r.RoleName ?? '') });
  }
  return out;
}

const createProfile = (name: string, role?: string) => async (ctx: LabContext) => {
  await ctx.clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  if (role) await ctx.clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: role }));
};

export const instanceProfile = defineStep({
  id: 'roles/instance-profile',
  async check(ctx) {
    const all = await instanceProfiles(ctx);
    const m = matchName(
      all.map((p) => p.name),
      PROFILE,
    );
    const create = `Create it: aws iam create-instance-profile --instance-profile-name ${PROFILE}`;
    if (m.kind !== 'exact') {
      // The console makes an instance profile named after the role; the CLI makes none.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
      const holding = all.filter((p) => p.roles.includes('EC2AccessRole') && p.name.toLowerCase() !== PROFILE.toLowerCase());
      if (m.kind === 'missing' && holding.length) {
        const names = holding.map((p) => p.name).join(', ');
        return [
          failed(
            `instance profile ${PROFILE} exists`,
            `an instance profile named exactly ${PROFILE}`,
            `no instance profile ${PROFILE}; instance profile ${names} holds EC2AccessRole`,
            `There is an instance profile ${names} holding EC2AccessRole (the console names profiles after their role), but this step asks for ${PROFILE}: launch templates and the next labs refer to it by that name.`,
            `${create}, add the role to it, and delete ${holding[0].name} (aws iam remove-role-from-instance-profile, then aws iam delete-instance-profile).`,
          ),
        ];
      }
      return [existsCondition('instance profile', PROFILE, m, create)];
    }
    const ip = await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: PROFILE }));
    const roles = (ip.InstanceProfile?.Roles ?? []).map((r) => r.RoleName ?? '');
    return [
      passed(`instance profile ${PROFILE} exists`, `instance profile ${PROFILE}`, PROFILE),
      fact(
        roles.includes('EC2AccessRole'),
        `${PROFILE} holds EC2AccessRole`,
        'EC2AccessRole inside the profile',
        roles.length ? `roles: ${roles.join(', ')}` : 'the profile is empty',
        roles.length
          ? `${PROFILE} holds ${roles.join(', ')}, not EC2AccessRole: an instance launched with it would get ${roles.join(', ')}'s credentials. A profile holds one role.`
          : `${PROFILE} exists but holds no role: an instance launched with it would get no credentials at all.`,
        roles.length
          ? `Swap the role: aws iam remove-role-from-instance-profile --instance-profile-name ${PROFILE} --role-name ${roles[0]}, then aws iam add-role-to-instance-profile --instance-profile-name ${PROFILE} --role-name EC2AccessRole`
          : `Add it: aws iam add-role-to-instance-profile --instance-profile-name ${PROFILE} --role-name EC2AccessRole`,
      ),
    ] satisfies Condition[];
  },
  async solve(ctx) {
    await createProfile(PROFILE, 'EC2AccessRole')(ctx);
  },
  mistakes: [
    { name: 'profile without the role', element: 'no role', apply: createProfile(PROFILE), expectFeedback: /EC2AccessProfile exists but holds no role/ },
    { name: 'nothing done', element: 'EC2AccessProfile', apply: async () => {}, expectFeedback: /no instance profile named EC2AccessProfile/ },
    { name: 'profile holding the other role', element: 'ReportsFunctionRole', apply: createProfile(PROFILE, 'ReportsFunctionRole'), expectFeedback: /holds ReportsFunctionRole, not EC2AccessRole/ },
    { name: 'named after the role (console habit)', element: 'EC2AccessRole', apply: createProfile('EC2AccessRole', 'EC2AccessRole'), expectFeedback: /instance profile EC2AccessRole holding EC2AccessRole/ },
    { name: 'ec2accessprofile (wrong case)', element: 'ec2accessprofile', apply: createProfile('ec2accessprofile', 'EC2AccessRole'), expectFeedback: /instance profile ec2accessprofile \(different case\)/ },
  ],
  variants: [
    {
      name: 'created with a path (/apps/)',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: PROFILE, Path: '/apps/' }));
        await ctx.clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: PROFILE, RoleName: 'EC2AccessRole' }));
      },
    },
  ],
});

const FUNCTION_ROLE = 'ReportsFunctionRole';

export const fixTrustPrincipal = defineStep({
  id: 'roles/fix-trust-principal',
  async check(ctx) {
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, FUNCTION_ROLE);
    const hint = () => trustHint(probes, FUNCTION_ROLE, LAMBDA, `{"Service": "${LAMBDA}"}`, 'lambda-trust.json');
    const assume = (principal: PrincipalRef) => ({ principal, action: 'sts:AssumeRole', resource });
    return [
      await probeCondition(probes, 'Lambda can assume ReportsFunctionRole', assume({ kind: 'service', service: LAMBDA }), 'allow', hint),
      await probeCondition(probes, 'EC2 cannot assume ReportsFunctionRole', assume({ kind: 'service', service: EC2 }), 'deny', hint),
      await probeCondition(probes, 'IAM users cannot assume ReportsFunctionRole', assume(await anyUser(ctx)), 'deny', hint),
    ];
  },
  async solve(ctx) {
    await setTrust(FUNCTION_ROLE, serviceTrust(LAMBDA))(ctx);
  },
  mistakes: [
    { name: 'unchanged', element: 'Principal', apply: async () => {}, expectFeedback: /The trust policy lets ec2\.amazonaws\.com assume ReportsFunctionRole; this step wants lambda\.amazonaws\.com/ },
    {
      name: 'both services trusted',
      element: 'Principal',
      apply: setTrust(FUNCTION_ROLE, serviceTrust(LAMBDA, EC2)),
      expectFeedback: /EC2 cannot assume ReportsFunctionRole[\s\S]*Allowed when it should not be[\s\S]*wants lambda\.amazonaws\.com only/,
    },
    {
      name: 'EC2 kept in a second statement',
      element: 'Principal',
      apply: setTrust(FUNCTION_ROLE, { Version: '2012-10-17', Statement: [...serviceTrust(LAMBDA).Statement, ...serviceTrust(EC2).Statement] }),
      expectFeedback: /EC2 cannot assume ReportsFunctionRole[\s\S]*statement 2 allows sts:AssumeRole/,
    },
    { name: 'Principal "*"', element: 'Principal', apply: setTrust(FUNCTION_ROLE, awsTrust('*')), expectFeedback: /IAM users cannot assume ReportsFunctionRole[\s\S]*its Principal "\*" lets everyone in/ },
    {
      name: 'Principal is the account (…:root)',
      element: 'Principal',
      apply: async (ctx) => setTrust(FUNCTION_ROLE, awsTrust(await rootOf(ctx)))(ctx),
      expectFeedback: /Principal names arn:aws:iam::\d{12}:root, which does not include the caller lambda\.amazonaws\.com/,
    },
  ],
  variants: [
    { name: 'Service as a list, Statement as an object', apply: setTrust(FUNCTION_ROLE, { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: [LAMBDA] }, Action: 'sts:AssumeRole' } }) },
  ],
});
