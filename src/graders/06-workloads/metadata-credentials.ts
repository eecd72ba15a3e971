/**
 * Lab 06, workloads/metadata-credentials: on the instance, with no keys, the role's credentials come
 * from the metadata service. CloudTrail shows it: a call signed by the role session named after the
 * instance (ec2RoleDelivery), or, instead, calls typed in the instance shell with exported keys.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { failed, passed, unverifiable } from '../conditions.js';
import { defineStep, type Condition } from '../types.js';
import { instancesOr } from './common.js';
import { APP_PROFILE, APP_ROLE, BUCKET, LEGACY } from './names.js';
import { describeInstance, labInstances, legacyInstance } from './services.js';
import { identityWords, instanceShellCalls, roleSessionCalls } from './trail.js';
import { appServers, callFromInstanceShell, requireLegacy, terminate, userDataKeys } from './instance-actions.js';

// The AWS CLI looks for credentials in a fixed order: environment variables long before the
// instance metadata service, so exported keys mean the role is never asked for:
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-authentication.html#cli-chap-authentication-precedence
// https://docs.aws.amazon.com/cli/v1/userguide/cli-chap-configure.html#config-settings-and-precedence
export const metadataCredentials = defineStep({
  id: 'workloads/metadata-credentials',
  async check(ctx) {
    const usedName = `${APP_ROLE} was used from the instance's own session`;
    const inst = await instancesOr(ctx, `an instance with ${APP_PROFILE} is running`, `a running instance with instance profile ${APP_PROFILE}`);
    if ('status' in inst) return [inst];
    const servers = appServers(inst.list, inst.legacy);
    if (!servers.length) {
      return [
        failed(
          `an instance with ${APP_PROFILE} is running`,
          `a running instance (not ${LEGACY}) with instance profile ${APP_PROFILE}`,
          'none',
          `There is no running instance with ${APP_PROFILE} to open a shell on: it was never launched, or it was terminated.`,
          'Launch it as in the previous step, then: iam-labs instance-shell <its instance id>',
        ),
      ];
    }
    const out: Condition[] = [passed(`an instance with ${APP_PROFILE} is running`, `a running instance with instance profile ${APP_PROFILE}`, servers.map(describeInstance).join(', '))];
    const expected = `a call signed with the role session assumed-role/${APP_ROLE}/<instance id>, its credentials delivered by the metadata service`;
    if (!ctx.capabilities.cloudTrail) {
      out.push(unverifiable(usedName, expected, 'This backend keeps no CloudTrail event history, so it cannot show which credentials signed the calls made on the instance.'));
      return out;
    }
    for (const server of servers) {
      const used = await roleSessionCalls(ctx, APP_ROLE, server.id);
      if (used.length) {
        const e = used[0];
        out.push(passed(usedName, expected, `${e.eventName} at ${e.eventTime} by ${e.userIdentity?.arn} (metadata service, IMDSv${e.userIdentity?.sessionContext?.ec2RoleDelivery?.replace('.0', '')})`));
        return out;
      }
    }
    const shellCalls = await instanceShellCalls(ctx);
    const foreign = shellCalls.filter((c) => c.event.userIdentity?.type !== 'AssumedRole' || !c.event.userIdentity.arn?.endsWith(`/${c.instanceId}`));
    const target = servers[0];
    if (foreign.length) {
      const c = foreign[0];
      const on = inst.list.find((i) => i.id === c.instanceId);
      out.push(
        failed(
          usedName,
          expected,
          `${c.event.eventName} from the instance shell of ${on ? describeInstance(on) : c.instanceId} signed by ${identityWords(c.event)}`,
          `The calls typed in the instance shell of ${on ? describeInstance(on) : c.instanceId} were signed by ${identityWords(c.event)}, not by the instance's role: access keys exported in a shell come first in the AWS CLI's search for credentials, so the metadata service was never asked.`,
          `In the instance shell run: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE — then aws sts get-caller-identity shows assumed-role/${APP_ROLE}/${target.id}${c.instanceId !== target.id ? ` (open the shell on ${describeInstance(target)}: iam-labs instance-shell ${target.id})` : ''}.`,
        ),
      );
      return out;
    }
    out.push(
      failed(
        usedName,
        expected,
        `no call signed by assumed-role/${APP_ROLE}/${target.id}`,
        `No call signed with the role credentials of ${describeInstance(target)} has been recorded: nothing on the instance has used its role yet.`,
        `iam-labs instance-shell ${target.id}, then curl the metadata service (the shell prints its address) and run aws sts get-caller-identity and aws s3 ls s3://${BUCKET}`,
      ),
    );
    return out;
  },
  async solve(ctx) {
    if (!ctx.instanceCredentials) return;
    const list = await labInstances(ctx);
    const [server] = appServers(list, legacyInstance(list, LEGACY));
    if (!server) return;
    // what the CLI on the instance does: credentials from the metadata service, then the calls
    const clients = ctx.clientsFor(await ctx.instanceCredentials(server.id));
    await clients.sts.send(new GetCallerIdentityCommand({}));
    await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  },
  mistakes: [
    { name: 'nothing done on the instance', element: 'role credentials', apply: async () => {}, expectFeedback: /No call signed with the role credentials of i-[0-9a-f]+ \(app-server\) has been recorded/ },
    {
      name: 'keys from i-legacy\'s user data exported in the instance shell', element: 'app-user',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        const legacy = legacyInstance(list, LEGACY);
        await callFromInstanceShell(ctx, appServers(list, legacy)[0].id, await userDataKeys(ctx, legacy));
      },
      expectFeedback: /instance shell of i-[0-9a-f]+ \(app-server\) were signed by IAM user app-user \(access key AKIA[A-Z0-9]+\), not by the instance's role[\s\S]*unset AWS_ACCESS_KEY_ID/,
    },
    {
      name: 'the ci-builder profile\'s keys exported in the instance shell', element: 'ci-builder',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        const creds = ctx.profiles.get('ci-builder');
        if (!creds) throw new Error('lab profile ci-builder is missing');
        await callFromInstanceShell(ctx, appServers(list, legacyInstance(list, LEGACY))[0].id, creds);
      },
      expectFeedback: /were signed by IAM user ci-builder/,
    },
    {
      name: 'keys exported in the shell of i-legacy instead', element: 'i-legacy',
      apply: async (ctx) => {
        const legacy = await requireLegacy(ctx);
        await callFromInstanceShell(ctx, legacy.id, await userDataKeys(ctx, legacy));
      },
      expectFeedback: /instance shell of i-[0-9a-f]+ \(i-legacy\) were signed by IAM user app-user[\s\S]*open the shell on i-[0-9a-f]+ \(app-server\)/,
    },
    {
      name: 'the instance was terminated', element: 'AppServerProfile',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        await terminate(ctx, appServers(list, legacyInstance(list, LEGACY))[0].id);
      },
      expectFeedback: /There is no running instance with AppServerProfile to open a shell on/,
    },
  ],
});
