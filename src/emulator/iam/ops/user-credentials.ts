/**
 * A user's own credentials beyond access keys: ChangePassword (the signed-in user's console
 * password), GetMFADevice and virtual MFA device tags.
 */
import { AccessDenied, AwsError, NoSuchEntity } from '../../errors.js';
import { refuseExplicitDeny } from '../../authz/index.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations } from '../constraints.js';
import { nameKey, type VirtualMfaDevice } from '../models.js';
import { mergeTags, removeTags } from '../tags.js';
import { getUser, iam, nowIso, paginate, tagsFrom } from '../util.js';
import { checkPasswordPolicy } from './account.js';
import { requiredTargetUserName, userArnOf } from './caller.js';
import { hashPassword, verifyPassword } from './login-profiles.js';
import { findMfaDevice } from './mfa.js';
import { requestTagContext } from './roles.js';

const PASSWORD = { re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' };

const invalidUserType = () => new AwsError('InvalidUserType', 'Only IAM Users can change their own password', 400);
const noSuchDevice = (serial: string) => new NoSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);

/**
 * iam:ChangePassword on the caller's own user. When the account password policy lets users
 * change their own password, AWS grants it without any identity policy; an explicit Deny still wins.
 */
async function authorizeChangePassword(ctx: RequestContext): Promise<void> {
  const p = ctx.principal;
  if (p.kind !== 'user') return; // refused by the handler with InvalidUserType
  const spec = { action: 'iam:ChangePassword', resource: userArnOf(ctx, p.userName) };
  if (iam(ctx).passwordPolicy?.AllowUsersToChangePassword) return refuseExplicitDeny(ctx, spec);
  return ctx.authorize(spec);
}

function mfaDevice(ctx: RequestContext, p: QueryParams): VirtualMfaDevice {
  const serial = p.required('SerialNumber');
  new Violations().string(serial, 'serialNumber', { min: 9, max: 256, pattern: PATTERNS.serial }).done();
  const device = findMfaDevice(ctx, serial);
  if (!device) throw noSuchDevice(serial);
  return device;
}

const deviceResource = (_ctx: RequestContext, p: QueryParams) => p.str('SerialNumber') ?? '*';

export const userCredentialOperations: QueryOperationTable = {
  ChangePassword: {
    authorize: authorizeChangePassword,
    handler: (ctx, p) => {
      const oldPassword = p.required('OldPassword');
      const newPassword = p.required('NewPassword');
      new Violations()
        .string(oldPassword, 'oldPassword', { min: 1, max: 128, pattern: PASSWORD })
        .string(newPassword, 'newPassword', { min: 1, max: 128, pattern: PASSWORD })
        .done();
      const caller = ctx.principal;
      if (caller.kind !== 'user') throw invalidUserType();
      const user = getUser(ctx, caller.userName);
      const profile = iam(ctx).loginProfiles[nameKey(user.userName)];
      if (!profile) throw new NoSuchEntity(`Login Profile for User ${user.userName} cannot be found.`);
      if (!verifyPassword(oldPassword, profile.passwordHash)) throw new AccessDenied('The old password was incorrect.');
      checkPasswordPolicy(iam(ctx).passwordPolicy, newPassword);
      profile.passwordHash = hashPassword(newPassword);
      profile.passwordLastChanged = nowIso();
      profile.passwordResetRequired = false;
      return undefined;
    },
  },
  GetMFADevice: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, p.str('UserName') ?? (ctx.principal.kind === 'user' ? ctx.principal.userName : undefined)),
    handler: (ctx, p) => {
      const userName = p.str('UserName');
      new Violations().string(userName, 'userName', { min: 1, max: 64, pattern: PATTERNS.name }).done();
      const device = mfaDevice(ctx, p);
      const owner = getUser(ctx, requiredTargetUserName(ctx, p));
      if (!device.userName || nameKey(device.userName) !== nameKey(owner.userName)) throw noSuchDevice(device.serialNumber);
      return {
        UserName: device.userName,
        SerialNumber: device.serialNumber,
        EnableDate: device.enableDate ? new Date(device.enableDate) : undefined,
      };
    },
  },
  TagMFADevice: {
    resource: deviceResource,
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const device = mfaDevice(ctx, p);
      device.tags = mergeTags(device.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagMFADevice: {
    resource: deviceResource,
    context: (_ctx, p) => ({ 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      const device = mfaDevice(ctx, p);
      device.tags = removeTags(device.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListMFADeviceTags: {
    readOnly: true,
    resource: deviceResource,
    handler: (ctx, p) => {
      const { page, ...more } = paginate(mfaDevice(ctx, p).tags, p);
      return { Tags: page, ...more };
    },
  },
};
