/**
 * The operations added for full IAM/STS coverage through the real AWS CLIs, v1 (`aws`) and
 * Debian's v2 (/usr/bin/aws, with --endpoint-url): service-linked roles, an OIDC provider and
 * AssumeRoleWithWebIdentity (the CLI sends it unsigned), GetFederationToken, the account alias
 * and SSH keys, and an AWS error as the CLIs print it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { availableClis, awsCli, startTestEmulator } from '../helpers/emulator.js';
import { FIXTURES, jwt } from '../helpers/saml.js';

const ACCOUNT = '000000000000';
const GH = 'token.actions.githubusercontent.com';

describe.each(availableClis())('AWS CLI $name', { timeout: 240_000 }, (cli) => {
  let emu: StartedEmulator;
  const aws = (...args: string[]) => awsCli(emu.endpoint, ['--output', 'json', ...args], { bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag });

  beforeAll(async () => {
    emu = await startTestEmulator({ enforce: true });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('creates a service-linked role with AWS name and path, then deletes it through a task', async () => {
    const created = await aws('iam', 'create-service-linked-role', '--aws-service-name', 'ecs.amazonaws.com');
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.Role).toMatchObject({ RoleName: 'AWSServiceRoleForECS', Path: '/aws-service-role/ecs.amazonaws.com/' });
    const del = await aws('iam', 'delete-service-linked-role', '--role-name', 'AWSServiceRoleForECS');
    expect(del.code, del.stderr).toBe(0);
    const status = await aws('iam', 'get-service-linked-role-deletion-status', '--deletion-task-id', del.json.DeletionTaskId);
    expect(status.json).toEqual({ Status: 'SUCCEEDED' });
  });

  it("prints AWS's error for a custom suffix the service does not take", async () => {
    const r = await aws('iam', 'create-service-linked-role', '--aws-service-name', 'ecs.amazonaws.com', '--custom-suffix', 'x');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('An error occurred (InvalidInput) when calling the CreateServiceLinkedRole operation: Custom suffix is not allowed for ecs.amazonaws.com');
  });

  it('registers an OIDC provider and assumes a role with a web identity token, unsigned', async () => {
    // CLI v2.9's model still requires a thumbprint (AWS no longer does).
    const thumbprint = '6938fd4d98bab03faadb97b34396831e3780aea1';
    const provider = await aws('iam', 'create-open-id-connect-provider', '--url', `https://${GH}`, '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', thumbprint);
    expect(provider.code, provider.stderr).toBe(0);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider.json.OpenIDConnectProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } },
        },
      ],
    });
    expect((await aws('iam', 'create-role', '--role-name', 'ci', '--assume-role-policy-document', trust)).code).toBe(0);
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({ iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main', iat: now, exp: now + 600 });
    const ok = await aws('sts', 'assume-role-with-web-identity', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/ci`, '--role-session-name', 'ci', '--web-identity-token', token);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/ci/ci`);
    const denied = await aws(
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      `arn:aws:iam::${ACCOUNT}:role/ci`,
      '--role-session-name',
      'ci',
      '--web-identity-token',
      jwt({ iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: 'repo:evil/app:ref:refs/heads/main', iat: now, exp: now + 600 }),
    );
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity');
  });

  it('gets a federation token for a federated user', async () => {
    const r = await aws('sts', 'get-federation-token', '--name', 'bob', '--duration-seconds', '900');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.FederatedUser).toEqual({ FederatedUserId: `${ACCOUNT}:bob`, Arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob` });
  });

  it('sets the account alias and uploads an SSH key', async () => {
    expect((await aws('iam', 'create-account-alias', '--account-alias', `acme-${cli.name}`)).code).toBe(0);
    // The CLI pages through the list itself and prints only the aliases.
    expect((await aws('iam', 'list-account-aliases')).json.AccountAliases).toEqual([`acme-${cli.name}`]);
    expect((await aws('iam', 'create-user', '--user-name', 'dev')).code).toBe(0);
    const key = await aws('iam', 'upload-ssh-public-key', '--user-name', 'dev', '--ssh-public-key-body', `file://${path.join(FIXTURES, 'ci-ssh.pub')}`);
    expect(key.code, key.stderr).toBe(0);
    expect(key.json.SSHPublicKey.Fingerprint).toBe('3b:21:48:39:e7:fa:bd:79:82:3a:59:a7:4a:cf:49:fd');
  });
});
