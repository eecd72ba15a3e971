/**
 * Account-wide settings: the account alias, STS global endpoint token version, the Organizations
 * centralized root access features (answered as AWS answers an account that belongs to no
 * organization), and outbound web identity federation (the account's token issuer).
 */
import crypto from 'node:crypto';
import { AwsError, EntityAlreadyExists, InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { Violations, checkPaging } from '../constraints.js';
import { iam } from '../util.js';
import { paginate } from '../util.js';

const ALIAS = { re: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, text: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$' };

/** Organizations' exceptions carry no error code in the model: the code is the shape name (HTTP 400). */
export const organizationNotFound = () =>
  new AwsError('OrganizationNotFoundException', 'The request was rejected because no organization is associated with your account.', 400);

const featureDisabled = () =>
  new AwsError('FeatureDisabled', 'Outbound identity federation is disabled for your AWS account.', 404);

function checkAlias(alias: string): void {
  new Violations().string(alias, 'accountAlias', { min: 3, max: 63, pattern: ALIAS }).done();
  if (/^\d{12}$/.test(alias)) throw new InvalidInput('The account alias cannot be a 12-digit number.');
}

/** Aliases are unique across AWS: across every account this emulator holds. */
function aliasOwner(ctx: RequestContext, alias: string): string | undefined {
  for (const account of ctx.emulator.state.accounts.values()) {
    if (account.iam.accountAliases?.includes(alias)) return account.accountId;
  }
  return undefined;
}

export const accountSettingsOperations: QueryOperationTable = {
  CreateAccountAlias: {
    handler: (ctx, p) => {
      const alias = p.required('AccountAlias');
      checkAlias(alias);
      const owner = aliasOwner(ctx, alias);
      if (owner && owner !== ctx.account.accountId) throw new EntityAlreadyExists(`The account alias ${alias} already exists.`);
      // An account has one alias; a new one replaces it.
      iam(ctx).accountAliases = [alias];
      return undefined;
    },
  },
  DeleteAccountAlias: {
    handler: (ctx, p) => {
      const alias = p.required('AccountAlias');
      checkAlias(alias);
      const state = iam(ctx);
      if (!state.accountAliases.includes(alias)) throw new NoSuchEntity(`The account alias ${alias} cannot be found.`);
      state.accountAliases = state.accountAliases.filter((a) => a !== alias);
      return undefined;
    },
  },
  ListAccountAliases: {
    readOnly: true,
    handler: (ctx, p) => {
      checkPaging(p).done();
      const { page, ...more } = paginate(iam(ctx).accountAliases, p);
      return { AccountAliases: page, ...more };
    },
  },
  SetSecurityTokenServicePreferences: {
    handler: (ctx, p) => {
      const version = p.required('GlobalEndpointTokenVersion');
      new Violations().oneOf(version, 'globalEndpointTokenVersion', ['v1Token', 'v2Token']).done();
      iam(ctx).globalEndpointTokenVersion = version as 'v1Token' | 'v2Token';
      return undefined;
    },
  },

  // Centralized root access is an Organizations feature; an emulated account belongs to no organization.
  ListOrganizationsFeatures: { readOnly: true, handler: () => { throw organizationNotFound(); } },
  EnableOrganizationsRootCredentialsManagement: { handler: () => { throw organizationNotFound(); } },
  DisableOrganizationsRootCredentialsManagement: { handler: () => { throw organizationNotFound(); } },
  EnableOrganizationsRootSessions: { handler: () => { throw organizationNotFound(); } },
  DisableOrganizationsRootSessions: { handler: () => { throw organizationNotFound(); } },

  EnableOutboundWebIdentityFederation: {
    handler: (ctx) => {
      const state = iam(ctx);
      if (state.outboundWebIdentity?.enabled) {
        throw new AwsError('FeatureEnabled', 'Outbound identity federation is already enabled for your AWS account.', 409);
      }
      // The issuer stays the same across disable/enable, as the account's identity for external services.
      const issuer = state.outboundWebIdentity?.issuer ?? `https://${crypto.randomUUID()}.tokens.sts.global.api.aws`;
      state.outboundWebIdentity = { issuer, enabled: true };
      return { IssuerIdentifier: issuer };
    },
  },
  DisableOutboundWebIdentityFederation: {
    handler: (ctx) => {
      const state = iam(ctx);
      if (!state.outboundWebIdentity?.enabled) throw featureDisabled();
      state.outboundWebIdentity.enabled = false;
      return undefined;
    },
  },
  GetOutboundWebIdentityFederationInfo: {
    readOnly: true,
    handler: (ctx) => {
      const fed = iam(ctx).outboundWebIdentity;
      if (!fed?.enabled) throw featureDisabled();
      return { IssuerIdentifier: fed.issuer, JwtVendingEnabled: true };
    },
  },
};
