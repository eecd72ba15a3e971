/**
 * Lab 06, workloads/ecr-power-user: the CI user gets AmazonEC2ContainerRegistryPowerUser (push and
 * pull, no repository deletion) and asks ECR for a registry password as itself.
 */
import { accountInfo, attachToUser, awsManagedArn, findUser, isNotFound, listAttachedUser, listUserInline } from '../aws.js';
import { failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { existsCondition } from '../names.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { CI_USER, REPOSITORY } from './names.js';
import { ecrClient, ecrSdk, trailEvents } from './services.js';
import { identityWords } from './trail.js';

// PowerUser: push and pull, but no repository deletion or policy changes; FullAccess: everything:
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/security-iam-awsmanpol.html
// GetAuthorizationToken (what get-login-password calls) is logged by CloudTrail:
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html
const POWER_USER = 'AmazonEC2ContainerRegistryPowerUser';

/** The hint that names what is attached to ci-builder and why it is not the power-user policy. */
async function ciPolicyHint(ctx: LabContext): Promise<string | undefined> {
  try {
    const attached = (await listAttachedUser(ctx.clients.iam, CI_USER)).map((p) => p.PolicyName ?? '');
    const inline = await listUserInline(ctx.clients.iam, CI_USER);
    const attach = `aws iam attach-user-policy --user-name ${CI_USER} --policy-arn arn:aws:iam::aws:policy/${POWER_USER}`;
    if (!attached.length && !inline.length) return `${CI_USER} has no policies yet: ${attach}`;
    if (attached.includes('AmazonEC2ContainerRegistryFullAccess')) return `AmazonEC2ContainerRegistryFullAccess also lets ${CI_USER} delete repositories and change their policies. Detach it and attach ${POWER_USER}.`;
    if (attached.includes('AdministratorAccess')) return `AdministratorAccess lets ${CI_USER} do anything in the account, far beyond pushing images. Detach it and attach ${POWER_USER}.`;
    if (attached.includes('AmazonEC2ContainerRegistryReadOnly') || attached.includes('AmazonEC2ContainerRegistryPullOnly')) {
      return `${attached.find((p) => p.startsWith('AmazonEC2ContainerRegistry'))} lets ${CI_USER} pull images, not push them. Attach ${POWER_USER} as well (or instead): ${attach}`;
    }
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return undefined;
}

async function tokenCondition(ctx: LabContext): Promise<Condition> {
  const name = `a registry password was issued to ${CI_USER} (aws ecr get-login-password --profile ${CI_USER})`;
  const expected = `a successful ecr:GetAuthorizationToken call signed by ${CI_USER}`;
  if (!ctx.capabilities.ecr || !ctx.capabilities.cloudTrail) {
    return unverifiable(name, expected, "This backend keeps no CloudTrail event history, so it cannot show who asked ECR for a token.");
  }
  const calls = await trailEvents(ctx, { key: 'EventName', value: 'GetAuthorizationToken' });
  const mine = calls.filter((e) => e.userIdentity?.type === 'IAMUser' && e.userIdentity.userName === CI_USER);
  const ok = mine.find((e) => !e.errorCode);
  if (ok) return passed(name, expected, `GetAuthorizationToken by ${CI_USER} at ${ok.eventTime}`);
  const hint = `aws ecr get-login-password --profile ${CI_USER}`;
  if (mine.length) {
    return failed(
      name,
      expected,
      `${mine.length} denied call${mine.length === 1 ? '' : 's'} by ${CI_USER}`,
      `${CI_USER} asked for a token at ${mine[0].eventTime} but was denied (${mine[0].errorCode}): that call came before ${CI_USER} had a policy that allows it. Ask again.`,
      hint,
    );
  }
  const other = calls.find((e) => !e.errorCode);
  return failed(
    name,
    expected,
    other ? `a token issued to ${identityWords(other)}, none to ${CI_USER}` : 'no GetAuthorizationToken call',
    other
      ? `No authorization token has been issued to ${CI_USER}; the one at ${other.eventTime} was issued to ${identityWords(other)}. Without --profile ${CI_USER} the CLI signs with the lab's default profile.`
      : `No authorization token has been issued to ${CI_USER} yet: run get-login-password as ${CI_USER} to prove the policy works.`,
    hint,
  );
}

export const ecrPowerUser = defineStep({
  id: 'workloads/ecr-power-user',
  async check(ctx) {
    const exists = existsCondition('user', CI_USER, await findUser(ctx, CI_USER), `iam-labs reset seeds ${CI_USER} again`);
    if (exists.status !== 'passed') return [exists];
    const { partition, accountId } = await accountInfo(ctx);
    const repo = `arn:${partition}:ecr:${ctx.region}:${accountId}:repository/${REPOSITORY}`;
    const probes = new Probes(ctx);
    const ci: PrincipalRef = { kind: 'user', name: CI_USER };
    const hint = () => ciPolicyHint(ctx);
    return [
      await probeCondition(probes, `${CI_USER} can get a registry password (ecr:GetAuthorizationToken)`, { principal: ci, action: 'ecr:GetAuthorizationToken', resource: '*' }, 'allow', hint),
      await probeCondition(probes, `${CI_USER} can upload image layers to ${REPOSITORY} (ecr:InitiateLayerUpload)`, { principal: ci, action: 'ecr:InitiateLayerUpload', resource: repo }, 'allow', hint),
      await probeCondition(probes, `${CI_USER} can push images to ${REPOSITORY} (ecr:PutImage)`, { principal: ci, action: 'ecr:PutImage', resource: repo }, 'allow', hint),
      await probeCondition(probes, `${CI_USER} cannot delete the repository (ecr:DeleteRepository)`, { principal: ci, action: 'ecr:DeleteRepository', resource: repo }, 'deny', hint),
      await probeCondition(probes, `${CI_USER} cannot change who may use it (ecr:SetRepositoryPolicy)`, { principal: ci, action: 'ecr:SetRepositoryPolicy', resource: repo }, 'deny', hint),
      await tokenCondition(ctx),
    ];
  },
  async solve(ctx) {
    await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, POWER_USER));
    await getLoginPassword(ctx, CI_USER);
  },
  mistakes: [
    { name: 'nothing attached', element: 'no policies', apply: async () => {}, expectFeedback: /ci-builder has no policies yet[\s\S]*(No authorization token has been issued to ci-builder yet|cannot show who asked ECR for a token)/ },
    {
      name: 'AmazonEC2ContainerRegistryFullAccess', element: 'AmazonEC2ContainerRegistryFullAccess',
      apply: async (ctx) => {
        await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, 'AmazonEC2ContainerRegistryFullAccess'));
        await getLoginPassword(ctx, CI_USER);
      },
      expectFeedback: /ci-builder cannot delete the repository[\s\S]*Allowed when it should not be: AmazonEC2ContainerRegistryFullAccess[\s\S]*also lets ci-builder delete repositories/,
    },
    {
      name: 'AdministratorAccess', element: 'AdministratorAccess',
      apply: async (ctx) => {
        await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, 'AdministratorAccess'));
        await getLoginPassword(ctx, CI_USER);
      },
      expectFeedback: /ci-builder cannot delete the repository[\s\S]*Allowed when it should not be: AdministratorAccess[\s\S]*far beyond pushing images/,
    },
    {
      name: 'AmazonEC2ContainerRegistryReadOnly (pull only)', element: 'AmazonEC2ContainerRegistryReadOnly',
      apply: async (ctx) => {
        await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, 'AmazonEC2ContainerRegistryReadOnly'));
        await getLoginPassword(ctx, CI_USER);
      },
      expectFeedback: /ci-builder can upload image layers to acme-api[\s\S]*AmazonEC2ContainerRegistryReadOnly lets ci-builder pull images, not push them[\s\S]*ci-builder can push images to acme-api \(ecr:PutImage\)/,
    },
    {
      name: 'password asked for without --profile ci-builder', element: '--profile ci-builder',
      apply: async (ctx) => {
        await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, POWER_USER));
        await getLoginPassword(ctx);
      },
      expectFeedback: /the one at .+ was issued to the account root[\s\S]*Without --profile ci-builder/,
    },
    {
      name: 'password asked for before the policy was attached, not again', element: 'AccessDeniedException',
      apply: async (ctx) => {
        await getLoginPassword(ctx, CI_USER).catch(() => {});
        await attachToUser(ctx, CI_USER, await awsManagedArn(ctx, POWER_USER));
      },
      expectFeedback: /ci-builder asked for a token at .+ but was denied \(AccessDeniedException\)/,
    },
  ],
});

/** `aws ecr get-login-password` (as `profile`, or as the lab's root). */
async function getLoginPassword(ctx: LabContext, profile?: string): Promise<void> {
  if (!ctx.capabilities.ecr) return;
  const creds = profile ? ctx.profiles.get(profile) : undefined;
  if (profile && !creds) throw new Error(`lab profile ${profile} is missing`);
  const { GetAuthorizationTokenCommand } = await ecrSdk();
  await (await ecrClient(ctx, creds)).send(new GetAuthorizationTokenCommand({}));
}

