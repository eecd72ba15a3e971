/**
 * OpenID Connect identity providers: Create/Get/List/Delete, client IDs (audiences), thumbprints
 * and tags. A provider is stored under its ARN; its URL is kept without the https:// scheme, as
 * GetOpenIDConnectProvider shows it and as trust policies name it ("<url>:sub").
 */
import { EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { Violations } from '../constraints.js';
import type { OidcProvider } from '../models.js';
import { mergeTags, removeTags, validateTags } from '../tags.js';
import { iam, nowIso, paginate, tagsFrom } from '../util.js';
import { entityContext, requestTagContext } from './roles.js';

export const OIDC_PROVIDERS_PER_ACCOUNT = 100;
export const CLIENT_IDS_PER_PROVIDER = 100;
export const THUMBPRINTS_PER_PROVIDER = 5;

/** https://host/path → host/path (the form IAM keeps, and the ARN suffix). */
export const oidcUrlKey = (url: string): string => url.replace(/^https:\/\//i, '').replace(/\/+$/, '');

export const oidcProviderArn = (accountId: string, url: string) => `arn:aws:iam::${accountId}:oidc-provider/${oidcUrlKey(url)}`;

const ARN = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/;

/** The provider an ARN names, or NoSuchEntity in AWS's words. */
export function getOidcProvider(ctx: RequestContext, arn: string): OidcProvider {
  if (!ARN.test(arn)) throw new ValidationError(`ARN ${arn} is not valid.`);
  const provider = iam(ctx).oidcProviders[arn];
  if (!provider) throw new NoSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return provider;
}

function checkArnParam(p: QueryParams): string {
  const arn = p.required('OpenIDConnectProviderArn');
  new Violations().string(arn, 'openIDConnectProviderArn', { min: 20, max: 2048 }).done();
  return arn;
}

function checkLists(v: Violations, clientIds: string[], thumbprints: string[]): Violations {
  return v
    .list(clientIds, 'clientIDList', { min: 1, max: 255 })
    .list(thumbprints, 'thumbprintList', { min: 40, max: 40 });
}

function checkThumbprints(thumbprints: string[]): void {
  if (thumbprints.length > THUMBPRINTS_PER_PROVIDER) {
    throw new LimitExceeded(`Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: ${THUMBPRINTS_PER_PROVIDER}`);
  }
  // A thumbprint is the hex SHA-1 of a certificate.
  const bad = thumbprints.find((t) => !/^[0-9a-fA-F]{40}$/.test(t));
  if (bad !== undefined) throw new InvalidInput(`Thumbprint ${bad} is not a valid SHA-1 thumbprint.`);
}

const providerResource = (_ctx: RequestContext, p: QueryParams) => p.str('OpenIDConnectProviderArn') ?? '*';
const providerTags = (ctx: RequestContext, p: QueryParams) => entityContext(iam(ctx).oidcProviders[p.str('OpenIDConnectProviderArn') ?? '']);

export const oidcProviderOperations: QueryOperationTable = {
  CreateOpenIDConnectProvider: {
    resource: (ctx, p) => oidcProviderArn(ctx.account.accountId, p.str('Url') ?? ''),
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const url = p.required('Url');
      const clientIds = p.list('ClientIDList');
      const thumbprints = p.list('ThumbprintList');
      const tags = tagsFrom(p);
      checkLists(new Violations().string(url, 'url', { min: 1, max: 255 }), clientIds, thumbprints).done();
      // IAM takes only https URLs without a query or fragment; the issuer of the tokens.
      if (!/^https:\/\/[^?#\s]+$/i.test(url)) throw new ValidationError('Invalid Open ID Connect Provider URL');
      checkThumbprints(thumbprints);
      if (new Set(clientIds).size > CLIENT_IDS_PER_PROVIDER) {
        throw new LimitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_PROVIDER}`);
      }
      validateTags(tags);
      const state = iam(ctx);
      const arn = oidcProviderArn(ctx.account.accountId, url);
      if (state.oidcProviders[arn]) throw new EntityAlreadyExists(`Provider with url ${url} already exists.`);
      if (Object.keys(state.oidcProviders).length >= OIDC_PROVIDERS_PER_ACCOUNT) {
        throw new LimitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`);
      }
      state.oidcProviders[arn] = { arn, url: oidcUrlKey(url), clientIds: [...new Set(clientIds)], thumbprints, createDate: nowIso(), tags };
      return { OpenIDConnectProviderArn: arn, Tags: tags.length ? tags : undefined };
    },
  },
  GetOpenIDConnectProvider: {
    readOnly: true,
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const provider = getOidcProvider(ctx, checkArnParam(p));
      return {
        Url: provider.url,
        ClientIDList: provider.clientIds,
        ThumbprintList: provider.thumbprints,
        CreateDate: new Date(provider.createDate),
        Tags: provider.tags,
      };
    },
  },
  ListOpenIDConnectProviders: {
    readOnly: true,
    handler: (ctx) => ({
      OpenIDConnectProviderList: Object.keys(iam(ctx).oidcProviders)
        .sort()
        .map((arn) => ({ Arn: arn })),
    }),
  },
  DeleteOpenIDConnectProvider: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      // Deleting a provider that does not exist is not an error (AWS documents the call as idempotent).
      if (!ARN.test(arn)) throw new ValidationError(`ARN ${arn} is not valid.`);
      delete iam(ctx).oidcProviders[arn];
      return undefined;
    },
  },
  AddClientIDToOpenIDConnectProvider: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      const clientId = p.required('ClientID');
      new Violations().string(clientId, 'clientID', { min: 1, max: 255 }).done();
      const provider = getOidcProvider(ctx, arn);
      if (provider.clientIds.includes(clientId)) return undefined; // idempotent
      if (provider.clientIds.length >= CLIENT_IDS_PER_PROVIDER) {
        throw new LimitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_PROVIDER}`);
      }
      provider.clientIds.push(clientId);
      return undefined;
    },
  },
  RemoveClientIDFromOpenIDConnectProvider: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      const clientId = p.required('ClientID');
      new Violations().string(clientId, 'clientID', { min: 1, max: 255 }).done();
      const provider = getOidcProvider(ctx, arn);
      provider.clientIds = provider.clientIds.filter((c) => c !== clientId); // idempotent
      return undefined;
    },
  },
  UpdateOpenIDConnectProviderThumbprint: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      const thumbprints = p.list('ThumbprintList');
      checkLists(new Violations(), [], thumbprints).done();
      const provider = getOidcProvider(ctx, arn);
      checkThumbprints(thumbprints);
      provider.thumbprints = thumbprints;
      return undefined;
    },
  },
  TagOpenIDConnectProvider: {
    resource: providerResource,
    context: (ctx, p) => ({ ...providerTags(ctx, p), ...requestTagContext(p) }),
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      const tags = tagsFrom(p);
      const provider = getOidcProvider(ctx, arn);
      provider.tags = mergeTags(provider.tags, tags);
      return undefined;
    },
  },
  UntagOpenIDConnectProvider: {
    resource: providerResource,
    context: (ctx, p) => ({ ...providerTags(ctx, p), 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      const arn = checkArnParam(p);
      const keys = p.list('TagKeys');
      const provider = getOidcProvider(ctx, arn);
      provider.tags = removeTags(provider.tags, keys);
      return undefined;
    },
  },
  ListOpenIDConnectProviderTags: {
    readOnly: true,
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const provider = getOidcProvider(ctx, checkArnParam(p));
      const { page, ...more } = paginate(provider.tags, p);
      return { Tags: page, ...more };
    },
  },
};
