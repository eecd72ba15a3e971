/** Lab 06, workloads/fix-missing-profile: the running i-legacy gets AppServerProfile, without being replaced. */
import { AddRoleToInstanceProfileCommand, RemoveRoleFromInstanceProfileCommand } from '@aws-sdk/client-iam';
import { listKeys } from '../aws.js';
import { fact, failed, passed } from '../conditions.js';
import { defineStep } from '../types.js';
import { embeddedKeyId, instancesOr, roleOfProfile } from './common.js';
import { APP_PROFILE, APP_ROLE, APP_USER, BUCKET, LEGACY, LEGACY_FIX_FACT, REPORT_ROLE } from './names.js';
import { describeInstance, isRunning, labInstances, legacyInstance, profileName } from './services.js';
import { associate, createProfile, launch, requireLegacy, terminate } from './instance-actions.js';

// An instance without an instance profile has no iam/ branch in its metadata, so the CLI and SDKs
// find no credentials ("Unable to locate credentials"); one can be associated with the running
// instance, no need to replace it:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/attach-iam-role.html
export const fixMissingProfile = defineStep({
  id: 'workloads/fix-missing-profile',
  async check(ctx) {
    const name = `${LEGACY} has instance profile ${APP_PROFILE}`;
    const expected = `${APP_PROFILE} associated with the running ${LEGACY}`;
    const inst = await instancesOr(ctx, name, expected);
    if ('status' in inst) return [inst];
    const { list, legacy } = inst;
    if (!legacy) {
      return [failed(name, expected, `no instance named ${LEGACY}`, `There is no instance named ${LEGACY} any more (its Name tag was changed or removed).`, `iam-labs reset seeds the lab again, with ${LEGACY}.`)];
    }
    // replacements: running instances named like the legacy server (i-legacy, i-legacy-v2…)
    const newer = list.filter((i) => i.id !== legacy.id && isRunning(i) && !!i.name?.startsWith(LEGACY));
    if (!isRunning(legacy)) {
      const replacement = newer.find((i) => i.name === LEGACY) ?? newer[0];
      return [
        failed(
          `${LEGACY} is still running`,
          `the original ${describeInstance(legacy)}, running`,
          `${describeInstance(legacy)} is ${legacy.state}${replacement ? `; a new instance ${describeInstance(replacement)} was launched` : ''}`,
          `${describeInstance(legacy)} was terminated${replacement ? ` and a new instance ${describeInstance(replacement)} was launched in its place` : ''}. The application and its data lived on ${LEGACY}: this step gives the running instance a role, which EC2 lets you do without replacing it (associate-iam-instance-profile).`,
          `A terminated instance cannot be brought back: iam-labs reset seeds the lab again with a new ${LEGACY}; then aws ec2 associate-iam-instance-profile --instance-id <its id> --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    const profile = profileName(legacy.profileArn);
    const aside = newer.length ? ` Launching ${newer.map(describeInstance).join(', ')} does not help the application that runs on ${LEGACY}.` : '';
    if (!profile) {
      return [
        failed(
          name,
          expected,
          `${describeInstance(legacy)} has no instance profile`,
          `${describeInstance(legacy)} has no instance profile, so the AWS SDK on it finds no credentials ("Unable to locate credentials").${aside}`,
          `aws ec2 associate-iam-instance-profile --instance-id ${legacy.id} --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    if (profile !== APP_PROFILE) {
      return [
        failed(
          name,
          expected,
          `${describeInstance(legacy)} has instance profile ${profile}`,
          `${describeInstance(legacy)} has instance profile ${profile}; this step wants ${APP_PROFILE}, whose role reads ${BUCKET}.`,
          `aws ec2 replace-iam-instance-profile-association --association-id ${legacy.associationId ?? '<see describe-iam-instance-profile-associations>'} --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    const role = await roleOfProfile(ctx, APP_PROFILE);
    // the role by its exact name: IAM would find appserverrole when asked for AppServerRole
    const swap = (other: string) =>
      `aws iam remove-role-from-instance-profile --instance-profile-name ${APP_PROFILE} --role-name ${other}, then aws iam add-role-to-instance-profile --instance-profile-name ${APP_PROFILE} --role-name ${APP_ROLE}`;
    const why = !role
      ? `${APP_PROFILE} holds no role any more, so ${LEGACY}'s metadata service has no credentials to hand out.`
      : role.toLowerCase() === APP_ROLE.toLowerCase()
        ? `${APP_PROFILE} holds role ${role} (different case); this step wants ${APP_ROLE}, the role made and granted in the earlier steps, by exactly that name.`
        : `${APP_PROFILE} holds ${role}, not ${APP_ROLE}: ${LEGACY}'s metadata service would hand out ${role}'s credentials instead of the read-only ones made for this application.`;
    return [
      passed(name, expected, `${describeInstance(legacy)} has ${APP_PROFILE}`),
      fact(
        role === APP_ROLE,
        `${APP_PROFILE} holds ${APP_ROLE}`,
        `role ${APP_ROLE} inside ${APP_PROFILE}`,
        role ? `role ${role}` : 'the profile is empty',
        why,
        role ? swap(role) : `aws iam add-role-to-instance-profile --instance-profile-name ${APP_PROFILE} --role-name ${APP_ROLE}`,
      ),
    ];
  },
  async onPass(ctx) {
    // remembered for workloads/retire-embedded-keys on backends without CloudTrail: the profile was
    // there (this association) while the embedded key was still active
    if (!ctx.capabilities.ec2Instances || ctx.facts.get(LEGACY_FIX_FACT)) return;
    const legacy = legacyInstance(await labInstances(ctx), LEGACY);
    const key = await embeddedKeyId(ctx, legacy);
    const keys = await listKeys(ctx, APP_USER).catch(() => []);
    const keyActive = !!key && keys.some((k) => k.id === key && k.status === 'Active');
    ctx.facts.set(LEGACY_FIX_FACT, JSON.stringify({ associationId: legacy?.associationId ?? '', keyActive }));
  },
  async solve(ctx) {
    if (ctx.capabilities.ec2Instances) await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
  },
  mistakes: [
    { name: 'i-legacy unchanged', element: 'instance profile', apply: async () => {}, expectFeedback: /i-[0-9a-f]+ \(i-legacy\) has no instance profile, so the AWS SDK on it finds no credentials/ },
    {
      name: 'a new instance instead of fixing i-legacy', element: 'terminated',
      apply: async (ctx) => {
        await terminate(ctx, (await requireLegacy(ctx)).id);
        await launch(ctx, LEGACY, APP_PROFILE);
      },
      expectFeedback: /i-[0-9a-f]+ \(i-legacy\) was terminated and a new instance i-[0-9a-f]+ \(i-legacy\) was launched in its place/,
    },
    {
      name: 'a second instance with the profile, i-legacy left as it is', element: 'i-legacy-v2',
      apply: async (ctx) => void (await launch(ctx, 'i-legacy-v2', APP_PROFILE)),
      expectFeedback: /has no instance profile[\s\S]*Launching i-[0-9a-f]+ \(i-legacy-v2\) does not help the application that runs on i-legacy/,
    },
    {
      name: 'AppServerProfile holding another role (ReportBuilderRole)', element: 'ReportBuilderRole',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: APP_PROFILE, RoleName: APP_ROLE }));
        await ctx.clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: APP_PROFILE, RoleName: REPORT_ROLE }));
        if (ctx.capabilities.ec2Instances) await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
      },
      expectFeedback: /AppServerProfile holds ReportBuilderRole, not AppServerRole/,
    },
    {
      name: 'another instance profile on i-legacy', element: 'LegacyProfile',
      apply: async (ctx) => {
        await createProfile(ctx, 'LegacyProfile', APP_ROLE);
        await associate(ctx, (await requireLegacy(ctx)).id, 'LegacyProfile');
      },
      expectFeedback: /has instance profile LegacyProfile; this step wants AppServerProfile[\s\S]*replace-iam-instance-profile-association --association-id iip-assoc-/,
    },
    {
      name: 'AppServerProfile emptied after the association', element: 'AppServerProfile',
      apply: async (ctx) => {
        await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
        await ctx.clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: APP_PROFILE, RoleName: APP_ROLE }));
      },
      expectFeedback: /AppServerProfile holds no role any more, so i-legacy's metadata service has no credentials to hand out/,
    },
  ],
});
