/**
 * Federation through STS with the SDK v3 against a real, enforcing emulator: GetFederationToken
 * (federated users get the caller's permissions narrowed by the session policy), and the two
 * unsigned calls, AssumeRoleWithWebIdentity (an OIDC provider's token, the trust policy's
 * `<provider>:aud` / `:sub` conditions) and AssumeRoleWithSAML.
 */
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateSAMLProviderCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import {
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  STSClient,
  type Credentials,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { jwt, samlMetadata, samlResponse } from '../helpers/saml.js';

let emu: StartedEmulator;
let root: ReturnType<typeof clients>;
let dev: ReturnType<typeof clients>;
/** A client with no credentials of its own: the SDK sends the two federation calls unsigned. */
let anonymousSts: STSClient;

const ACCOUNT = '000000000000';
const GH = 'token.actions.githubusercontent.com';
const asCreds = (c: Credentials | undefined): Creds => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken });
const now = () => Math.floor(Date.now() / 1000);
const allow = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  root = clients(emu.endpoint);
  await root.iam.send(new CreateUserCommand({ UserName: 'dev' }));
  await root.iam.send(new PutUserPolicyCommand({ UserName: 'dev', PolicyName: 'dev', PolicyDocument: allow(['sts:GetFederationToken', 's3:ListAllMyBuckets', 'iam:ListUsers']) }));
  const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
  dev = clients(emu.endpoint, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
  anonymousSts = new STSClient({ endpoint: emu.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '', secretAccessKey: '' } });
});
afterAll(async () => {
  await emu?.close();
});

describe('GetFederationToken', () => {
  it("answers as AWS does: FederatedUserId '<account>:<name>', a federated-user ARN, PackedPolicySize 0 without a policy", async () => {
    const out = await dev.sts.send(new GetFederationTokenCommand({ Name: 'TestName1', DurationSeconds: 900 }));
    expect(out.FederatedUser).toEqual({ FederatedUserId: `${ACCOUNT}:TestName1`, Arn: `arn:aws:sts::${ACCOUNT}:federated-user/TestName1` });
    expect(out.PackedPolicySize).toBe(0);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const expires = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(expires).toBeGreaterThan(800_000);
    expect(expires).toBeLessThanOrEqual(900_000);
    const who = await clients(emu.endpoint, asCreds(out.Credentials)).sts.send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ UserId: `${ACCOUNT}:TestName1`, Arn: `arn:aws:sts::${ACCOUNT}:federated-user/TestName1`, Account: ACCOUNT });
  });

  it('gives a federated user without a session policy no permissions', async () => {
    const out = await dev.sts.send(new GetFederationTokenCommand({ Name: 'nopolicy' }));
    await expectAwsError(clients(emu.endpoint, asCreds(out.Credentials)).s3.send(new ListBucketsCommand({})), { code: 'AccessDenied', status: 403 });
  });

  it("gives the caller's permissions narrowed by the session policy", async () => {
    const out = await dev.sts.send(new GetFederationTokenCommand({ Name: 'reader', Policy: allow(['s3:ListAllMyBuckets']) }));
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const fed = clients(emu.endpoint, asCreds(out.Credentials));
    await fed.s3.send(new ListBucketsCommand({}));
    // The session policy does not grant iam:ListUsers, though the user has it.
    await expectAwsError(fed.iam.send(new (await import('@aws-sdk/client-iam')).ListUsersCommand({})), { code: 'AccessDenied', status: 403 });
  });

  it('refuses a session policy over 2,048 characters', async () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}/*` }] });
    await expectAwsError(dev.sts.send(new GetFederationTokenCommand({ Name: 'big', Policy: big })), {
      code: 'ValidationError',
      message: /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048$/,
      status: 400,
    });
  });

  it('refuses temporary credentials as the caller', async () => {
    const out = await dev.sts.send(new GetFederationTokenCommand({ Name: 'first', Policy: allow(['sts:GetFederationToken']) }));
    await expectAwsError(clients(emu.endpoint, asCreds(out.Credentials)).sts.send(new GetFederationTokenCommand({ Name: 'second' })), {
      code: 'AccessDenied',
      status: 403,
    });
  });

  it('validates the name as STS does (echoing it)', async () => {
    await expectAwsError(dev.sts.send(new GetFederationTokenCommand({ Name: 'a' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/GitHubDeploy`;
  const token = (claims: Record<string, unknown>) =>
    jwt({ iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main', iat: now(), exp: now() + 300, ...claims });
  const call = (webIdentityToken: string, roleArn = ROLE) =>
    anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'deploy', WebIdentityToken: webIdentityToken }));

  beforeAll(async () => {
    await root.iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${GH}`, ClientIDList: ['sts.amazonaws.com'] }));
    await root.iam.send(
      new CreateRoleCommand({
        RoleName: 'GitHubDeploy',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}` },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: 'repo:acme/app:*' } },
            },
          ],
        }),
      }),
    );
    // Allowed only for sessions from the provider: the session carries it as aws:FederatedProvider.
    await root.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'GitHubDeploy',
        PolicyName: 'list',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*', Condition: { StringEquals: { 'aws:FederatedProvider': `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}` } } },
          ],
        }),
      }),
    );
  });

  it('trades a token whose sub matches the trust policy for a role session (sent unsigned)', async () => {
    const out = await call(token({}));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/GitHubDeploy/deploy`);
    expect(out.SubjectFromWebIdentityToken).toBe('repo:acme/app:ref:refs/heads/main');
    expect(out.Audience).toBe('sts.amazonaws.com');
    expect(out.Provider).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`);
    const session = clients(emu.endpoint, asCreds(out.Credentials));
    expect((await session.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/GitHubDeploy/deploy`);
    await session.s3.send(new ListBucketsCommand({}));
  });

  it('denies a token from another repository: the sub condition fails', async () => {
    await expectAwsError(call(token({ sub: 'repo:evil/fork:ref:refs/heads/main' })), {
      code: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      status: 403,
    });
    const why = emu.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(why.reason).toContain(`${GH}:sub`);
    expect(why.reason).toContain('repo:evil/fork');
  });

  it('refuses a token for another audience', async () => {
    await expectAwsError(call(token({ aud: 'some-other-client' })), { code: 'InvalidIdentityToken', message: 'Incorrect token audience', status: 400 });
  });

  it('refuses a token from an issuer the account has not registered', async () => {
    await expectAwsError(call(token({ iss: 'https://gitlab.example.com' })), {
      code: 'InvalidIdentityToken',
      message: 'No OpenIDConnect provider found in your account for https://gitlab.example.com',
      status: 400,
    });
  });

  it('refuses an expired token', async () => {
    const exp = now() - 60;
    await expectAwsError(call(token({ exp })), {
      code: 'ExpiredTokenException',
      message: new RegExp(`^Token expired: current date/time \\d+ must be before the expiration date/time ${exp}$`),
      status: 400,
    });
  });

  it('refuses a token that is not a JWT', async () => {
    await expectAwsError(call('not-a-token'), { code: 'InvalidIdentityToken', status: 400 });
  });

  it('answers AccessDenied for a role that does not exist, and ValidationError for a malformed ARN', async () => {
    await expectAwsError(call(token({}), `arn:aws:iam::${ACCOUNT}:role/Nope`), { code: 'AccessDenied', status: 403 });
    await expectAwsError(call(token({}), 'arn:aws:iam::role-without-account'), { code: 'ValidationError', message: 'arn:aws:iam::role-without-account is invalid' });
  });
});

describe('AssumeRoleWithSAML', () => {
  const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`;
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/SamlAdmins`;
  const ISSUER = 'http://www.okta.com/exkAcme';

  beforeAll(async () => {
    await root.iam.send(new CreateSAMLProviderCommand({ Name: 'Okta', SAMLMetadataDocument: samlMetadata(ISSUER) }));
    await root.iam.send(
      new CreateRoleCommand({
        RoleName: 'SamlAdmins',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: PROVIDER },
              Action: 'sts:AssumeRoleWithSAML',
              Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
            },
          ],
        }),
      }),
    );
  });

  const call = (assertion: string) => anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: assertion }));

  it("trades the IdP's assertion for a role session named by its RoleSessionName", async () => {
    const out = await call(samlResponse({ issuer: ISSUER, roles: [`${ROLE},${PROVIDER}`], sessionName: 'alice' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SamlAdmins/alice`);
    expect(out).toMatchObject({ Subject: 'alice@example.com', SubjectType: 'persistent', Issuer: ISSUER, Audience: 'https://signin.aws.amazon.com/saml' });
    expect(out.NameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it('refuses an assertion whose Role attribute does not name this role', async () => {
    await expectAwsError(call(samlResponse({ issuer: ISSUER, roles: [`arn:aws:iam::${ACCOUNT}:role/Other,${PROVIDER}`], sessionName: 'alice' })), {
      code: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithSAML',
      status: 403,
    });
  });

  it('refuses an assertion without a RoleSessionName', async () => {
    await expectAwsError(call(samlResponse({ issuer: ISSUER, roles: [`${ROLE},${PROVIDER}`] })), {
      code: 'InvalidIdentityToken',
      message: 'RoleSessionName is required in AuthnResponse',
      status: 400,
    });
  });

  it('refuses an expired assertion and one from another issuer', async () => {
    await expectAwsError(call(samlResponse({ issuer: ISSUER, roles: [`${ROLE},${PROVIDER}`], sessionName: 'a1', notOnOrAfter: new Date(Date.now() - 1000) })), {
      code: 'ExpiredTokenException',
      status: 400,
    });
    await expectAwsError(call(samlResponse({ issuer: 'http://evil.example', roles: [`${ROLE},${PROVIDER}`], sessionName: 'a1' })), {
      code: 'InvalidIdentityToken',
      status: 400,
    });
  });
});

describe('unsigned requests', () => {
  it('are still refused for other STS actions', async () => {
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
