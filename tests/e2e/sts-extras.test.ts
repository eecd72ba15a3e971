/**
 * The remaining STS operations through the SDK v3 against a real, enforcing emulator:
 * DecodeAuthorizationMessage, AssumeRoot (for an account in no organization),
 * GetWebIdentityToken (outbound federation: a JWT signed by the account's key), and temporary
 * access delegation from CreateDelegationRequest to GetDelegatedAccessToken.
 */
import crypto from 'node:crypto';
import {
  AcceptDelegationRequestCommand,
  AssociateDelegationRequestCommand,
  CreateAccessKeyCommand,
  CreateDelegationRequestCommand,
  CreateUserCommand,
  EnableOutboundWebIdentityFederationCommand,
  GetDelegationRequestCommand,
  GetHumanReadableSummaryCommand,
  ListDelegationRequestsCommand,
  PutUserPolicyCommand,
  RejectDelegationRequestCommand,
  SendDelegationTokenCommand,
} from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AssumeRootCommand, DecodeAuthorizationMessageCommand, GetCallerIdentityCommand, GetDelegatedAccessTokenCommand, GetWebIdentityTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { encodeAuthorizationMessage } from '../../src/emulator/sts/authorization-message.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let root: ReturnType<typeof clients>;
let dev: ReturnType<typeof clients>;
const allow = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  root = clients(emu.endpoint);
  await root.iam.send(new CreateUserCommand({ UserName: 'dev' }));
  await root.iam.send(new PutUserPolicyCommand({ UserName: 'dev', PolicyName: 'p', PolicyDocument: allow(['sts:GetWebIdentityToken', 'sts:DecodeAuthorizationMessage']) }));
  const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
  dev = clients(emu.endpoint, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
});
afterAll(async () => {
  await emu?.close();
});

describe('DecodeAuthorizationMessage', () => {
  it('decodes a message the emulator encoded for this account into the decision details', async () => {
    const account = emu.emulator.state.account();
    const ctx = { account, principal: { kind: 'user', arn: 'arn:aws:iam::000000000000:user/dev', userId: 'AIDAEXAMPLE', accountId: '000000000000' } } as never;
    const encoded = encodeAuthorizationMessage(ctx, { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1:000000000000:instance/*' }, {
      decision: 'ImplicitlyDenied',
      deciding: [],
      nearMisses: [],
      reason: 'no allow',
      awsMessage: '',
    });
    const out = await dev.sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    expect(JSON.parse(out.DecodedMessage!)).toMatchObject({
      allowed: false,
      explicitDeny: false,
      context: { principal: { arn: 'arn:aws:iam::000000000000:user/dev' }, action: 'ec2:RunInstances' },
    });
  });

  it('refuses a message it did not issue', async () => {
    await expectAwsError(dev.sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'bm90LWEtbWVzc2FnZQ' })), {
      code: 'InvalidAuthorizationMessageException',
      status: 400,
    });
  });
});

describe('AssumeRoot', () => {
  it('validates the task policy, then refuses: the account belongs to no organization', async () => {
    await expectAwsError(root.sts.send(new AssumeRootCommand({ TargetPrincipal: '111122223333', TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } })), {
      code: 'ValidationError',
      status: 400,
    });
    await expectAwsError(root.sts.send(new AssumeRootCommand({ TargetPrincipal: '111122223333', TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' } })), {
      code: 'AccessDenied',
      status: 403,
    });
  });
});

describe('GetWebIdentityToken', () => {
  it('needs outbound federation enabled', async () => {
    await expectAwsError(dev.sts.send(new GetWebIdentityTokenCommand({ Audience: ['https://api.example.com'], SigningAlgorithm: 'RS256' })), {
      code: 'OutboundWebIdentityFederationDisabledException',
      status: 403,
    });
  });

  it.each(['RS256', 'ES384'] as const)('signs a JWT (%s) for the caller under the account issuer', async (alg) => {
    const issuer =
      emu.emulator.state.account().iam.outboundWebIdentity?.issuer ?? (await root.iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier;
    const out = await dev.sts.send(new GetWebIdentityTokenCommand({ Audience: ['https://api.example.com'], SigningAlgorithm: alg, DurationSeconds: 600 }));
    const [header, payload, signature] = out.WebIdentityToken!.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg, typ: 'JWT' });
    expect(claims).toMatchObject({ iss: issuer, sub: 'arn:aws:iam::000000000000:user/dev', aud: 'https://api.example.com' });
    expect(claims.exp - claims.iat).toBe(600);
    const pem = emu.emulator.state.account().iam.outboundWebIdentity!.signingKeys![alg]!;
    const key = crypto.createPublicKey(crypto.createPrivateKey(pem));
    const ok = crypto.verify(alg === 'RS256' ? 'sha256' : 'sha384', Buffer.from(`${header}.${payload}`), alg === 'ES384' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(signature, 'base64url'));
    expect(ok).toBe(true);
  });
});

describe('temporary access delegation', () => {
  const partner = () => clients(emu.endpoint, { accessKeyId: '222233334444', secretAccessKey: 'test' });
  const create = () =>
    partner().iam.send(
      new CreateDelegationRequestCommand({
        OwnerAccountId: '000000000000',
        Description: 'Read your S3 inventory for the migration',
        Permissions: { PolicyTemplateArn: 'arn:aws:iam::aws:policy-template/S3ReadOnly', Parameters: [{ Name: 'bucket', Values: ['acme-data'], Type: 'string' }] },
        RequestorWorkflowId: 'wf-12345',
        NotificationChannel: 'arn:aws:sns:us-east-1:222233334444:delegations',
        SessionDuration: 3600,
      }),
    );

  it('goes from the partner to the owner and back as credentials', async () => {
    const { DelegationRequestId: id } = await create();
    expect(id).toMatch(/^[\w-]{16,128}$/);
    await root.iam.send(new AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    const got = await root.iam.send(new GetDelegationRequestCommand({ DelegationRequestId: id }));
    expect(got.DelegationRequest).toMatchObject({ State: 'ASSIGNED', RequestorId: '222233334444', OwnerAccountId: '000000000000', SessionDuration: 3600 });
    expect((await root.iam.send(new ListDelegationRequestsCommand({}))).DelegationRequests?.map((r) => r.DelegationRequestId)).toContain(id);
    const summary = await root.iam.send(new GetHumanReadableSummaryCommand({ EntityArn: `arn:aws:iam::222233334444:delegation-request/${id}` }));
    expect(summary.SummaryState).toBe('AVAILABLE');
    expect(summary.SummaryContent).toContain('222233334444');

    await root.iam.send(new AcceptDelegationRequestCommand({ DelegationRequestId: id }));
    await root.iam.send(new SendDelegationTokenCommand({ DelegationRequestId: id }));
    expect((await root.iam.send(new GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest?.State).toBe('FINALIZED');

    const token = emu.emulator.state.account('222233334444').iam.delegationRequests[id!].tradeInToken!;
    const out = await partner().sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: token }));
    expect(out.AssumedPrincipal).toBe('arn:aws:iam::000000000000:root');
    const delegated = clients(emu.endpoint, { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken });
    expect((await delegated.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    // The template's permissions are AWS's: the emulator's delegated credentials carry none.
    await expectAwsError(delegated.s3.send(new ListBucketsCommand({})), { code: 'AccessDenied', status: 403 });
    // A token is traded once.
    await expectAwsError(partner().sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: token })), { code: 'ExpiredTradeInTokenException', status: 400 });
  });

  it('a rejected request cannot be accepted', async () => {
    const { DelegationRequestId: id } = await create();
    await root.iam.send(new AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    await root.iam.send(new RejectDelegationRequestCommand({ DelegationRequestId: id, Notes: 'not now' }));
    const got = await root.iam.send(new GetDelegationRequestCommand({ DelegationRequestId: id }));
    expect(got.DelegationRequest).toMatchObject({ State: 'REJECTED', RejectionReason: 'not now' });
    await expectAwsError(root.iam.send(new AcceptDelegationRequestCommand({ DelegationRequestId: id })), { code: 'InvalidInput', status: 400 });
  });

  it('is invisible to a third account', async () => {
    const { DelegationRequestId: id } = await create();
    const third = clients(emu.endpoint, { accessKeyId: '555566667777', secretAccessKey: 'test' });
    await expectAwsError(third.iam.send(new GetDelegationRequestCommand({ DelegationRequestId: id })), { code: 'NoSuchEntity', status: 404 });
  });
});
