/**
 * OpenID Connect and SAML identity providers through the SDK v3 against a real emulator: the
 * whole lifecycle, tags, and AWS's errors (documented wording, or seen in real AWS answers).
 */
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateSAMLProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteSAMLProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetSAMLProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  TagSAMLProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UntagSAMLProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateSAMLProviderCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { samlMetadata } from '../helpers/saml.js';

let emu: StartedEmulator;
let iam: IAMClient;
const GH = 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com';
const THUMB = '6938fd4d98bab03faadb97b34396831e3780aea1';

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

describe('OpenID Connect providers', () => {
  it('creates a provider named after its URL without the scheme', async () => {
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: [THUMB],
        Tags: [{ Key: 'team', Value: 'ci' }],
      }),
    );
    expect(out.OpenIDConnectProviderArn).toBe(GH);
    expect(out.Tags).toEqual([{ Key: 'team', Value: 'ci' }]);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH }));
    expect(got).toMatchObject({ Url: 'token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [THUMB] });
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([{ Arn: GH }]);
  });

  it('refuses the same URL twice', async () => {
    await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['x'] })), {
      code: 'EntityAlreadyExists',
      message: 'Provider with url https://token.actions.githubusercontent.com already exists.',
      status: 409,
    });
  });

  it('checks thumbprints are 40 characters, without echoing them', async () => {
    await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com', ThumbprintList: ['abc'] })), {
      code: 'ValidationError',
      message:
        "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length greater than or equal to 40]",
      status: 400,
    });
  });

  it('adds and removes client IDs idempotently, replaces thumbprints', async () => {
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, ClientID: 'my-app' }));
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, ClientID: 'my-app' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, ClientID: 'sts.amazonaws.com' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, ClientID: 'never-added' }));
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: GH, ThumbprintList: ['a'.repeat(40), 'b'.repeat(40)] }));
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH }));
    expect(got.ClientIDList).toEqual(['my-app']);
    expect(got.ThumbprintList).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
  });

  it('tags, lists tags and untags', async () => {
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH, TagKeys: ['team'] }));
    expect((await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: GH }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
  });

  it('answers NoSuchEntity in AWS words for a provider that is not there', async () => {
    const arn = 'arn:aws:iam::000000000000:oidc-provider/nothing.example.com';
    await expectAwsError(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), {
      code: 'NoSuchEntity',
      message: `OpenIDConnect Provider not found for arn ${arn}`,
      status: 404,
    });
  });

  it('deletes', async () => {
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: GH }));
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([]);
  });
});

describe('SAML providers', () => {
  const ARN = 'arn:aws:iam::000000000000:saml-provider/Okta';

  it('creates a provider from IdP metadata; ValidUntil comes from the metadata', async () => {
    const out = await iam.send(new CreateSAMLProviderCommand({ Name: 'Okta', SAMLMetadataDocument: samlMetadata('http://www.okta.com/exk1', '2035-01-01T00:00:00Z') }));
    expect(out.SAMLProviderArn).toBe(ARN);
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN }));
    expect(got.ValidUntil?.toISOString()).toBe('2035-01-01T00:00:00.000Z');
    expect(got.SAMLMetadataDocument).toContain('http://www.okta.com/exk1');
    expect(got.SAMLProviderUUID).toMatch(/^[A-Z0-9]{22,64}$/);
    const list = await iam.send(new ListSAMLProvidersCommand({}));
    expect(list.SAMLProviderList?.map((p) => p.Arn)).toEqual([ARN]);
  });

  it('without a validUntil in the metadata, the provider is valid for 100 years', async () => {
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Entra', SAMLMetadataDocument: samlMetadata('https://sts.windows.net/t1/') }));
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: 'arn:aws:iam::000000000000:saml-provider/Entra' }));
    const years = ((got.ValidUntil?.getTime() ?? 0) - (got.CreateDate?.getTime() ?? 0)) / (365.25 * 86_400_000);
    expect(Math.round(years)).toBe(100);
  });

  it('refuses a document that is not IdP metadata', async () => {
    await expectAwsError(iam.send(new CreateSAMLProviderCommand({ Name: 'Bad', SAMLMetadataDocument: `<html>${'x'.repeat(1200)}</html>` })), {
      code: 'InvalidInput',
      message: 'Could not parse metadata',
      status: 400,
    });
  });

  it('refuses metadata shorter than the model allows, without echoing it', async () => {
    await expectAwsError(iam.send(new CreateSAMLProviderCommand({ Name: 'Short', SAMLMetadataDocument: '<x/>' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length greater than or equal to 1000",
    });
  });

  it('updates the metadata and tags', async () => {
    const up = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: ARN, SAMLMetadataDocument: samlMetadata('http://www.okta.com/exk2', '2036-01-01T00:00:00Z') }));
    expect(up.SAMLProviderArn).toBe(ARN);
    await iam.send(new TagSAMLProviderCommand({ SAMLProviderArn: ARN, Tags: [{ Key: 'idp', Value: 'okta' }] }));
    expect((await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: ARN }))).Tags).toEqual([{ Key: 'idp', Value: 'okta' }]);
    await iam.send(new UntagSAMLProviderCommand({ SAMLProviderArn: ARN, TagKeys: ['idp'] }));
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN }));
    expect(got.ValidUntil?.toISOString()).toBe('2036-01-01T00:00:00.000Z');
    expect(got.Tags).toEqual([]);
  });

  it('refuses a second provider with the same name', async () => {
    await expectAwsError(iam.send(new CreateSAMLProviderCommand({ Name: 'Okta', SAMLMetadataDocument: samlMetadata('x') })), {
      code: 'EntityAlreadyExists',
      status: 409,
    });
  });

  it('deletes, then answers NoSuchEntity', async () => {
    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: ARN }));
    await expectAwsError(iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN })), { code: 'NoSuchEntity', status: 404 });
  });
});
