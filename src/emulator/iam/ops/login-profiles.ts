/**
 * Login profiles (console passwords): Create/Get/Update/DeleteLoginProfile. Passwords are
 * checked against the account password policy and stored only as an scrypt hash.
 */
import crypto from 'node:crypto';
import { EntityAlreadyExists, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type LoginProfile } from '../models.js';
import { getUser, iam, nowIso } from '../util.js';
import { checkPasswordPolicy } from './account.js';
import { requiredTargetUserName, targetUserName, userArnOf } from './caller.js';

export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = crypto.scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return crypto.timingSafeEqual(expected, actual);
}

function validatePasswordParam(ctx: RequestContext, password: string): void {
  if (password.length > 128) {
    throw new ValidationError(
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
  }
  checkPasswordPolicy(iam(ctx).passwordPolicy, password);
}

export function getLoginProfile(ctx: RequestContext, userName: string): LoginProfile {
  const user = getUser(ctx, userName);
  const profile = iam(ctx).loginProfiles[nameKey(user.userName)];
  if (!profile) throw new NoSuchEntity(`Login Profile for User ${user.userName} cannot be found.`);
  return profile;
}

const shape = (lp: LoginProfile) => ({
  UserName: lp.userName,
  CreateDate: new Date(lp.createDate),
  PasswordResetRequired: lp.passwordResetRequired,
});

export const loginProfileOperations: QueryOperationTable = {
  CreateLoginProfile: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const user = getUser(ctx, requiredTargetUserName(ctx, p));
      const password = p.required('Password');
      const state = iam(ctx);
      if (state.loginProfiles[nameKey(user.userName)]) {
        throw new EntityAlreadyExists(`Login Profile for user ${user.userName} already exists.`);
      }
      validatePasswordParam(ctx, password);
      const now = nowIso();
      const profile: LoginProfile = {
        userName: user.userName,
        createDate: now,
        passwordResetRequired: p.bool('PasswordResetRequired') ?? false,
        passwordHash: hashPassword(password),
        passwordLastChanged: now,
      };
      state.loginProfiles[nameKey(user.userName)] = profile;
      return { LoginProfile: shape(profile) };
    },
  },
  GetLoginProfile: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => ({ LoginProfile: shape(getLoginProfile(ctx, requiredTargetUserName(ctx, p))) }),
  },
  UpdateLoginProfile: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const profile = getLoginProfile(ctx, p.required('UserName'));
      const password = p.str('Password');
      if (password !== undefined) {
        validatePasswordParam(ctx, password);
        profile.passwordHash = hashPassword(password);
        profile.passwordLastChanged = nowIso();
      }
      const reset = p.bool('PasswordResetRequired');
      if (reset !== undefined) profile.passwordResetRequired = reset;
      return undefined;
    },
  },
  DeleteLoginProfile: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const profile = getLoginProfile(ctx, requiredTargetUserName(ctx, p));
      delete iam(ctx).loginProfiles[nameKey(profile.userName)];
      return undefined;
    },
  },
};
