/**
 * SAML identity providers: Create/Get/List/Update/Delete and tags. The metadata document must be
 * an identity provider's SAML 2.0 metadata; its validUntil (or, without one, 100 years from
 * creation, as IAM sets it) is the provider's ValidUntil.
 */
import crypto from 'node:crypto';
import { EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations } from '../constraints.js';
import type { SamlProvider } from '../models.js';
import { parseSamlMetadata } from '../saml-xml.js';
import { mergeTags, removeTags, validateTags } from '../tags.js';
import { iam, nowIso, paginate, tagsFrom } from '../util.js';
import { entityContext, requestTagContext } from './roles.js';

export const SAML_PROVIDERS_PER_ACCOUNT = 100;
const PRIVATE_KEYS_PER_PROVIDER = 2;
const ENCRYPTION_MODES = ['Required', 'Allowed'] as const;
const ARN = /^arn:aws:iam::(\d{12}):saml-provider\/([\w._-]+)$/;

export const samlProviderArn = (accountId: string, name: string) => `arn:aws:iam::${accountId}:saml-provider/${name}`;

export function getSamlProvider(ctx: RequestContext, arn: string): SamlProvider {
  if (!ARN.test(arn)) throw new ValidationError(`ARN ${arn} is not valid.`);
  const provider = iam(ctx).samlProviders[arn];
  if (!provider) throw new NoSuchEntity(`Manifest not found for arn ${arn}`);
  return provider;
}

/** Upper-case base32-like id, as IAM's SAMLProviderUUID and private key ids look. */
const newKeyId = () => crypto.randomBytes(20).toString('hex').toUpperCase().slice(0, 26);

function checkMetadata(doc: string): { validUntil?: string } {
  const meta = parseSamlMetadata(doc);
  if (!meta) throw new InvalidInput('Could not parse metadata');
  return { validUntil: meta.validUntil };
}

function checkParams(p: QueryParams, v: Violations): Violations {
  return v
    .string(p.str('SAMLMetadataDocument'), 'sAMLMetadataDocument', { min: 1000, max: 10_000_000 })
    .oneOf(p.str('AssertionEncryptionMode'), 'assertionEncryptionMode', ENCRYPTION_MODES)
    .string(p.str('AddPrivateKey'), 'addPrivateKey', { min: 1, max: 16384, pattern: PATTERNS.document })
    .string(p.str('RemovePrivateKey'), 'removePrivateKey', { min: 22, max: 64, pattern: { re: /^[A-Z0-9]+$/, text: '[A-Z0-9]+' } });
}

/** AddPrivateKey: a PEM private key IAM uses to decrypt assertions. Only its id is kept. */
function addPrivateKey(provider: SamlProvider, pem: string): void {
  try {
    crypto.createPrivateKey(pem);
  } catch {
    throw new InvalidInput('The private key is not a valid PEM-encoded key.');
  }
  if (provider.privateKeys.length >= PRIVATE_KEYS_PER_PROVIDER) {
    throw new LimitExceeded(`Cannot exceed quota for PrivateKeysPerSamlProvider: ${PRIVATE_KEYS_PER_PROVIDER}`);
  }
  provider.privateKeys.push({ keyId: newKeyId(), timestamp: nowIso() });
}

const providerResource = (_ctx: RequestContext, p: QueryParams) => p.str('SAMLProviderArn') ?? '*';
const providerTags = (ctx: RequestContext, p: QueryParams) => entityContext(iam(ctx).samlProviders[p.str('SAMLProviderArn') ?? '']);
const checkArn = (p: QueryParams) => {
  const arn = p.required('SAMLProviderArn');
  new Violations().string(arn, 'sAMLProviderArn', { min: 20, max: 2048 }).done();
  return arn;
};

export const samlProviderOperations: QueryOperationTable = {
  CreateSAMLProvider: {
    resource: (ctx, p) => samlProviderArn(ctx.account.accountId, p.str('Name') ?? ''),
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const name = p.required('Name');
      const doc = p.required('SAMLMetadataDocument');
      checkParams(p, new Violations().string(name, 'name', { min: 1, max: 128, pattern: { re: /^[\w._-]+$/, text: '[\\w._-]+' } })).done();
      const tags = tagsFrom(p);
      validateTags(tags);
      const { validUntil } = checkMetadata(doc);
      const state = iam(ctx);
      const arn = samlProviderArn(ctx.account.accountId, name);
      if (state.samlProviders[arn]) throw new EntityAlreadyExists(`Provider with name ${name} already exists.`);
      if (Object.keys(state.samlProviders).length >= SAML_PROVIDERS_PER_ACCOUNT) {
        throw new LimitExceeded(`Cannot exceed quota for SamlProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
      }
      const created = new Date();
      const provider: SamlProvider = {
        arn,
        name,
        metadata: doc,
        uuid: newKeyId(),
        createDate: created.toISOString(),
        validUntil: validUntil ? new Date(validUntil).toISOString() : new Date(created.getTime() + 100 * 365.25 * 86_400_000).toISOString(),
        tags,
        privateKeys: [],
        ...(p.str('AssertionEncryptionMode') ? { assertionEncryptionMode: p.str('AssertionEncryptionMode') as SamlProvider['assertionEncryptionMode'] } : {}),
      };
      const key = p.str('AddPrivateKey');
      if (key !== undefined) addPrivateKey(provider, key);
      state.samlProviders[arn] = provider;
      return { SAMLProviderArn: arn, Tags: tags.length ? tags : undefined };
    },
  },
  GetSAMLProvider: {
    readOnly: true,
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const provider = getSamlProvider(ctx, checkArn(p));
      return {
        SAMLProviderUUID: provider.uuid,
        SAMLMetadataDocument: provider.metadata,
        CreateDate: new Date(provider.createDate),
        ValidUntil: new Date(provider.validUntil),
        Tags: provider.tags,
        AssertionEncryptionMode: provider.assertionEncryptionMode,
        PrivateKeyList: provider.privateKeys.length
          ? provider.privateKeys.map((k) => ({ KeyId: k.keyId, Timestamp: new Date(k.timestamp) }))
          : undefined,
      };
    },
  },
  ListSAMLProviders: {
    readOnly: true,
    handler: (ctx) => ({
      SAMLProviderList: Object.values(iam(ctx).samlProviders)
        .sort((a, b) => a.arn.localeCompare(b.arn))
        .map((s) => ({ Arn: s.arn, ValidUntil: new Date(s.validUntil), CreateDate: new Date(s.createDate) })),
    }),
  },
  UpdateSAMLProvider: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const arn = checkArn(p);
      checkParams(p, new Violations()).done();
      const provider = getSamlProvider(ctx, arn);
      const doc = p.str('SAMLMetadataDocument');
      if (doc !== undefined) {
        const { validUntil } = checkMetadata(doc);
        provider.metadata = doc;
        if (validUntil) provider.validUntil = new Date(validUntil).toISOString();
      }
      const mode = p.str('AssertionEncryptionMode');
      if (mode) provider.assertionEncryptionMode = mode as SamlProvider['assertionEncryptionMode'];
      const remove = p.str('RemovePrivateKey');
      if (remove !== undefined) {
        if (!provider.privateKeys.some((k) => k.keyId === remove)) throw new InvalidInput(`Private key ${remove} does not exist.`);
        provider.privateKeys = provider.privateKeys.filter((k) => k.keyId !== remove);
      }
      const add = p.str('AddPrivateKey');
      if (add !== undefined) addPrivateKey(provider, add);
      return { SAMLProviderArn: arn };
    },
  },
  DeleteSAMLProvider: {
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const provider = getSamlProvider(ctx, checkArn(p));
      delete iam(ctx).samlProviders[provider.arn];
      return undefined;
    },
  },
  TagSAMLProvider: {
    resource: providerResource,
    context: (ctx, p) => ({ ...providerTags(ctx, p), ...requestTagContext(p) }),
    handler: (ctx, p) => {
      const provider = getSamlProvider(ctx, checkArn(p));
      provider.tags = mergeTags(provider.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagSAMLProvider: {
    resource: providerResource,
    context: (ctx, p) => ({ ...providerTags(ctx, p), 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      const provider = getSamlProvider(ctx, checkArn(p));
      provider.tags = removeTags(provider.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListSAMLProviderTags: {
    readOnly: true,
    resource: providerResource,
    context: providerTags,
    handler: (ctx, p) => {
      const { page, ...more } = paginate(getSamlProvider(ctx, checkArn(p)).tags, p);
      return { Tags: page, ...more };
    },
  },
};
