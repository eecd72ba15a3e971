/**
 * hygiene/permissions-boundary: dev-john keeps AdministratorAccess but gets the permissions
 * boundary DevBoundary, so he can still read S3 and EC2 and can do nothing in IAM. A boundary caps
 * what identity policies can grant: only actions both allow are allowed.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
import { DetachUserPolicyCommand, GetUserCommand, PutUserPermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { accountInfo, attachToUser, awsManagedArn, createCustomerPolicy, customerPolicyArn, iamArn, isNotFound, listAttachedUser, listLocalPolicies, matchName, s3Arn } from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { Probes, type PrincipalRef, type ProbeRequest } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { BOUNDARY, JOHN } from './names.js';

const readOnly = (services: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadOnlyS3AndEc2', Effect: 'Allow', Action: services.flatMap((s) => (s === 's3' ? ['s3:Get*', 's3:List*'] : s === 'ec2' ? ['ec2:Describe*'] : [`${s}:*`])), Resource: '*' }],
});

/** The reference boundary: read S3 and EC2, nothing else. */
export const DEV_BOUNDARY = readOnly(['s3', 'ec2']);

const putBoundary = (arn: string) => `aws iam put-user-permissions-boundary --user-name ${JOHN} --permissions-boundary ${arn}`;

/** Create the boundary policy and set it on dev-john, where the backend has user boundaries (moto only makes the policy). */
async function setBoundary(ctx: LabContext, doc: object, name = BOUNDARY): Promise<void> {
  const arn = await createCustomerPolicy(ctx, name, doc);
  if (ctx.capabilities.userPermissionsBoundaries) await ctx.clients.iam.send(new PutUserPermissionsBoundaryCommand({ UserName: JOHN, PermissionsBoundary: arn }));
}

export const permissionsBoundary = defineStep({
  id: 'hygiene/permissions-boundary',
  async check(ctx) {
    let user;
    try {
      user = (await ctx.clients.iam.send(new GetUserCommand({ UserName: JOHN }))).User;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      return [failed(`${JOHN} exists`, `user ${JOHN}`, `no user ${JOHN}`, `User ${JOHN} does not exist any more; this lab needs him.`, 'iam-labs reset brings the lab back to its start.')];
    }
    const attached = (await listAttachedUser(ctx.clients.iam, JOHN)).map((a) => a.PolicyName ?? '');
    const out: Condition[] = [];
    const wantArn = await customerPolicyArn(ctx, BOUNDARY);
    const boundary = user?.PermissionsBoundary?.PermissionsBoundaryArn;
    const name = `${JOHN} has the permissions boundary ${BOUNDARY}`;
    // IAM names are unique without regard to case: a policy `devboundary` blocks creating
    // DevBoundary, so the usual hint (create it, set it) would fail with EntityAlreadyExists.
    const sameName = boundary === wantArn ? undefined : matchName((await listLocalPolicies(ctx.clients.iam)).map((p) => p.PolicyName ?? ''), BOUNDARY);
    const otherCase = sameName?.kind === 'case' ? sameName.name : undefined;
    const attachedAsPolicy = attached.find((n) => n.toLowerCase() === BOUNDARY.toLowerCase());
    if (!ctx.capabilities.userPermissionsBoundaries) {
      out.push(unverifiable(name, wantArn, 'This backend does not support permissions boundaries on users.'));
    } else if (otherCase) {
      const otherArn = await customerPolicyArn(ctx, otherCase);
      const detach = attachedAsPolicy ? `aws iam detach-user-policy --user-name ${JOHN} --policy-arn ${otherArn}, ` : '';
      const unset = boundary === otherArn ? `aws iam delete-user-permissions-boundary --user-name ${JOHN}, ` : '';
      out.push(
        failed(
          name,
          wantArn,
          `policy ${otherCase} (different case)${boundary === otherArn ? ', set as the boundary' : attachedAsPolicy ? ', attached as a permissions policy' : ''}`,
          `There is a customer managed policy called ${otherCase}, but this step asks for ${BOUNDARY}. IAM keeps the case you type, and names that differ only by case count as the same name: you cannot create ${BOUNDARY} beside it.`,
          `Remove ${otherCase} (${unset}${detach}aws iam delete-policy --policy-arn ${otherArn}), then create ${BOUNDARY} with exactly that spelling and set it: ${putBoundary(wantArn)}`,
        ),
      );
    } else {
      out.push(
        fact(
          boundary === wantArn,
          name,
          wantArn,
          boundary ?? 'no permissions boundary',
          boundary
            ? `${JOHN}'s boundary is ${boundary.split('/').pop()}, not ${BOUNDARY}.`
            : attachedAsPolicy
              ? `${attachedAsPolicy} is attached to ${JOHN} as a permissions policy. Attached, it only adds permissions; a boundary is set with put-user-permissions-boundary and limits them.`
              : `${JOHN} has no permissions boundary: his AdministratorAccess lets him do anything, including giving himself more.`,
          boundary ? `Create ${BOUNDARY} and set it: ${putBoundary(wantArn)}` : putBoundary(wantArn),
        ),
      );
    }
    out.push(
      fact(
        attached.includes('AdministratorAccess'),
        `AdministratorAccess is still attached to ${JOHN}`,
        'AdministratorAccess attached',
        attached.length ? attached.join(', ') : 'no attached policies',
        `AdministratorAccess was detached. This step is about boundaries: ${JOHN} keeps his broad policy, and the boundary caps what it can grant. Taking the policy away hides whether the boundary works.`,
        `Attach it back: aws iam attach-user-policy --user-name ${JOHN} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`,
      ),
    );
    const probes = new Probes(ctx);
    const john: PrincipalRef = { kind: 'user', name: JOHN };
    const { partition } = await accountInfo(ctx);
    // A managed policy changes through a new default version: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
    const boundaryHint = async () =>
      boundary
        ? `Change ${boundary.split('/').pop()} so it lists only S3 and EC2 reads (s3:Get*, s3:List*, ec2:Describe*) and no IAM action: a boundary allows only what it lists. Save the change with aws iam create-policy-version --set-as-default.`
        : putBoundary(wantArn);
    const reads: Array<[string, ProbeRequest]> = [
      [`${JOHN} can still list S3 buckets`, { principal: john, action: 's3:ListAllMyBuckets', resource: '*' }],
      [`${JOHN} can still read S3 objects`, { principal: john, action: 's3:GetObject', resource: s3Arn(partition, 'acme-team-data/notes.txt'), resourcePolicy: 'none' }],
      [`${JOHN} can still describe EC2 instances`, { principal: john, action: 'ec2:DescribeInstances', resource: '*' }],
    ];
    for (const [n, req] of reads) out.push(await probeCondition(probes, n, req, 'allow', boundaryHint));
    const iamActions: ProbeRequest[] = [
      { principal: john, action: 'iam:ListUsers', resource: '*' },
      { principal: john, action: 'iam:CreateUser', resource: await iamArn(ctx, 'user', 'shadow-admin') },
      { principal: john, action: 'iam:AttachUserPolicy', resource: await iamArn(ctx, 'user', JOHN) },
      { principal: john, action: 'iam:DeleteUserPermissionsBoundary', resource: await iamArn(ctx, 'user', JOHN) },
      { principal: john, action: 'iam:CreatePolicyVersion', resource: wantArn },
    ];
    const iamName = `${JOHN} is denied every IAM action (even removing his own boundary)`;
    if (!ctx.capabilities.userPermissionsBoundaries) {
      out.push(unverifiable(iamName, 'denied', 'This backend does not support permissions boundaries on users, so dev-john keeps what AdministratorAccess allows.'));
    } else {
      let failedProbe: Condition | undefined;
      for (const req of iamActions) {
        const c = await probeCondition(probes, iamName, req, 'deny', boundaryHint);
        if (c.status !== 'passed') {
          failedProbe = { ...c, found: `${req.action} ${c.found}` };
          break;
        }
      }
      out.push(failedProbe ?? passed(iamName, 'denied', `denied (${iamActions.map((r) => r.action).join(', ')})`));
    }
    return out;
  },
  async solve(ctx) {
    await setBoundary(ctx, DEV_BOUNDARY);
  },
  mistakes: [
    { name: 'no boundary', element: 'permissions boundary', apply: async () => {}, expectFeedback: /dev-john has no permissions boundary[\s\S]*put-user-permissions-boundary/ },
    {
      name: 'boundary allows iam:* too',
      element: 'DevBoundary',
      apply: (ctx) => setBoundary(ctx, readOnly(['s3', 'ec2', 'iam'])),
      expectFeedback: /dev-john is denied every IAM action[\s\S]*iam:ListUsers allowed[\s\S]*Allowed when it should not be[\s\S]*no IAM action/,
    },
    {
      name: 'AdministratorAccess detached instead',
      element: 'AdministratorAccess',
      apply: async (ctx) => {
        await setBoundary(ctx, DEV_BOUNDARY);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: JOHN, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
        await attachToUser(ctx, JOHN, await awsManagedArn(ctx, 'ReadOnlyAccess'));
      },
      expectFeedback: /AdministratorAccess is still attached to dev-john[\s\S]*found:\s+ReadOnlyAccess[\s\S]*Attach it back/,
    },
    {
      name: 'DevBoundary attached as a permissions policy, not set as boundary',
      element: 'DevBoundary',
      apply: async (ctx) => attachToUser(ctx, JOHN, await createCustomerPolicy(ctx, BOUNDARY, DEV_BOUNDARY)),
      expectFeedback: /DevBoundary is attached to dev-john as a permissions policy[\s\S]*put-user-permissions-boundary/,
    },
    {
      name: 'boundary without EC2 reads',
      element: 'DevBoundary',
      apply: (ctx) => setBoundary(ctx, readOnly(['s3'])),
      expectFeedback: /dev-john can still describe EC2 instances[\s\S]*ec2:Describe\*/,
    },
    {
      name: 'the boundary policy named in another case (devboundary), attached instead of set',
      element: 'devboundary',
      apply: async (ctx) => attachToUser(ctx, JOHN, await createCustomerPolicy(ctx, 'devboundary', DEV_BOUNDARY)),
      expectFeedback: /policy devboundary \(different case\), attached as a permissions policy[\s\S]*cannot create DevBoundary beside it[\s\S]*detach-user-policy[\s\S]*delete-policy/,
    },
    {
      name: 'boundary under another name',
      element: 'JohnBoundary',
      apply: (ctx) => setBoundary(ctx, DEV_BOUNDARY, 'JohnBoundary'),
      expectFeedback: /boundary is JohnBoundary, not DevBoundary/,
    },
  ],
});
