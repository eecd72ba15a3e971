/**
 * S3's access-control surface as AWS has it (responses recorded against AWS; S3 User Guide):
 * new-bucket defaults since April 2023 (Block Public Access on, ACLs disabled), ACLs and Object
 * Ownership, Block Public Access at bucket and account level (also through both CLIs' s3control),
 * GetBucketPolicyStatus, bucket policy checks, and ExpectedBucketOwner.
 */
import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type S3Client as S3,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { canonicalUserId } from '../../src/emulator/s3/store.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator } from '../helpers/emulator.js';
import { ACCOUNT, OTHER_ACCOUNT, OTHER_ROOT } from './sts-helpers.js';

let emu: StartedEmulator;
let s3: S3;
const OWNER = canonicalUserId(ACCOUNT);
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const publicRead = (bucket: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  s3 = clients(emu.endpoint).s3;
});
afterAll(async () => {
  await emu?.close();
});

describe('new buckets (S3 defaults since April 2023)', () => {
  it('block all public access and disable ACLs', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'fresh' }));
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'fresh' }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'fresh' }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'fresh' }));
    expect(acl.Owner?.ID).toBe(OWNER);
    expect(acl.Grants).toEqual([{ Grantee: { ID: OWNER, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
  });

  it('refuse ACLs (AccessControlListNotSupported) except the owner full control', async () => {
    await expectAwsError(s3.send(new PutBucketAclCommand({ Bucket: 'fresh', ACL: 'public-read' })), {
      code: 'AccessControlListNotSupported',
      status: 400,
      message: 'The bucket does not allow ACLs',
    });
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: 'fresh', Key: 'k', Body: 'x', ACL: 'public-read' })), { code: 'AccessControlListNotSupported', status: 400 });
    await s3.send(new PutObjectCommand({ Bucket: 'fresh', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
    await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: 'fresh-public', ACL: 'public-read' })), {
      code: 'InvalidBucketAclWithObjectOwnership',
      status: 400,
      message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    });
  });

  it('refuse a public bucket policy until Block Public Access allows it', async () => {
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: 'fresh', Policy: publicRead('fresh') })), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::fresh" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
    });
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'fresh', PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: false } }));
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'fresh' }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'fresh', Policy: publicRead('fresh') }));
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'fresh' }))).PolicyStatus?.IsPublic).toBe(true);
  });
});

describe('Object Ownership and ACLs', () => {
  it('CRUD of ownership controls, with AWS errors', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'owned', ObjectOwnership: 'BucketOwnerPreferred' }));
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'owned' }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerPreferred' }]);
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'owned', OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'owned' }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'ObjectWriter' }]);
    await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'owned' }));
    await expectAwsError(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'owned' })), {
      code: 'OwnershipControlsNotFoundError',
      status: 404,
      message: 'The bucket ownership controls were not found',
    });
    await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: 'owned-bad', ObjectOwnership: 'RandomValue' as never })), {
      code: 'InvalidArgument',
      message: 'Invalid x-amz-object-ownership header: RandomValue',
    });
  });

  it('with ACLs enabled, grants are kept; Block Public Access still refuses public ones', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acls', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutBucketAclCommand({ Bucket: 'acls', GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"' }));
    expect((await s3.send(new GetBucketAclCommand({ Bucket: 'acls' }))).Grants).toEqual([
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'READ' },
    ]);
    await expectAwsError(s3.send(new PutBucketAclCommand({ Bucket: 'acls', ACL: 'public-read' })), { code: 'AccessDenied', status: 403, message: 'Access Denied' });
    await expectAwsError(s3.send(new PutBucketAclCommand({ Bucket: 'acls', GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/FakeGroup"' })), {
      code: 'InvalidArgument',
      message: 'Invalid group uri',
    });
    await expectAwsError(s3.send(new PutBucketAclCommand({ Bucket: 'acls', ACL: 'private', GrantRead: `id="${OWNER}"` })), {
      code: 'InvalidRequest',
      message: 'Specifying both Canned ACLs and Header Grants is not allowed',
    });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acls' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acls', Key: 'open.txt', Body: 'hi', ACL: 'public-read' }));
    expect((await s3.send(new GetObjectAclCommand({ Bucket: 'acls', Key: 'open.txt' }))).Grants).toEqual([
      { Grantee: { ID: OWNER, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
    ]);
    await s3.send(new PutObjectAclCommand({ Bucket: 'acls', Key: 'open.txt', ACL: 'private' }));
    expect((await s3.send(new GetObjectAclCommand({ Bucket: 'acls', Key: 'open.txt' }))).Grants).toHaveLength(1);
  });
});

describe('RestrictPublicBuckets and policy status', () => {
  it('keeps other accounts and anonymous callers out of a public policy', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'restricted' }));
    await s3.send(new PutObjectCommand({ Bucket: 'restricted', Key: 'a.txt', Body: 'a' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'restricted', PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: true } }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'restricted', Policy: publicRead('restricted') }));
    const anon = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, signer: { sign: async (r) => r }, credentials: { accessKeyId: '', secretAccessKey: '' }, maxAttempts: 1 });
    await expectAwsError(anon.send(new GetObjectCommand({ Bucket: 'restricted', Key: 'a.txt' })), { code: 'AccessDenied', status: 403 });
    // Another account names the bucket's owner to reach it (bucket names are per account here).
    await expectAwsError(clients(emu.endpoint, OTHER_ROOT).s3.send(new GetObjectCommand({ Bucket: 'restricted', Key: 'a.txt', ExpectedBucketOwner: ACCOUNT })), { code: 'AccessDenied', status: 403 });
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'restricted', PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: false } }));
    expect(await (await anon.send(new GetObjectCommand({ Bucket: 'restricted', Key: 'a.txt' }))).Body!.transformToString()).toBe('a');
  });

  it('a policy pinned to an account is not public', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'pinned' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pinned/*', Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER_ACCOUNT } } }],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'pinned', Policy: JSON.stringify(policy) }));
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'pinned' }))).PolicyStatus?.IsPublic).toBe(false);
  });
});

describe('bucket policy checks and ExpectedBucketOwner', () => {
  it('an action that applies to none of the resources, and the 20 KB limit', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'checked' }));
    const onBucket = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::checked' }] };
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: 'checked', Policy: JSON.stringify(onBucket) })), {
      code: 'MalformedPolicy',
      status: 400,
      message: 'Action does not apply to any resource(s) in statement',
    });
    const big = { Version: '2012-10-17', Statement: Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`, ...onBucket.Statement[0], Resource: 'arn:aws:s3:::checked/*' })) };
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: 'checked', Policy: JSON.stringify(big) })), {
      code: 'MalformedPolicy',
      message: 'Policy exceeds the maximum allowed document size.',
    });
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: 'checked', Policy: JSON.stringify({ ...onBucket, Version: 'invalid policy' }) })), {
      code: 'MalformedPolicy',
      message: 'The policy must contain a valid version string',
    });
  });

  it('ExpectedBucketOwner: not an account id → InvalidBucketOwnerAWSAccountID 400; another account → 403', async () => {
    await expectAwsError(s3.send(new GetBucketPolicyCommand({ Bucket: 'fresh', ExpectedBucketOwner: 'abcd' })), {
      code: 'InvalidBucketOwnerAWSAccountID',
      status: 400,
      message: 'The value of the expected bucket owner parameter must be an AWS Account ID... [abcd]',
    });
    await expectAwsError(s3.send(new GetBucketPolicyCommand({ Bucket: 'fresh', ExpectedBucketOwner: OTHER_ACCOUNT })), { code: 'AccessDenied', status: 403, message: 'Access Denied' });
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'fresh', ExpectedBucketOwner: ACCOUNT }))).Policy).toContain('s3:GetObject');
  });
});

describe.each(availableClis())('through AWS CLI $name', (cli) => {
  // s3control puts the account id in the host name (000000000000.127.0.0.1), which resolves
  // nowhere; an HTTP proxy pointing at the emulator carries the request there unchanged.
  const run = (args: string[]) => awsCli(emu.endpoint, args, { bin: cli.bin, needsEndpointFlag: true, env: { HTTP_PROXY: emu.endpoint, http_proxy: emu.endpoint } });

  it('s3control get/put/delete-public-access-block for the account', async () => {
    const missing = await run(['s3control', 'get-public-access-block', '--account-id', ACCOUNT]);
    expect(missing.stderr).toContain(
      'An error occurred (NoSuchPublicAccessBlockConfiguration) when calling the GetPublicAccessBlock operation: The public access block configuration was not found',
    );
    const put = await run([
      's3control', 'put-public-access-block', '--account-id', ACCOUNT,
      '--public-access-block-configuration', 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
    ]);
    expect(put.code).toBe(0);
    const got = await run(['s3control', 'get-public-access-block', '--account-id', ACCOUNT]);
    expect(got.json).toEqual({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    // The account's setting blocks public policies even where the bucket's own setting does not.
    await s3.send(new CreateBucketCommand({ Bucket: `acct-${cli.name}` }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: `acct-${cli.name}` }));
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: `acct-${cli.name}`, Policy: publicRead(`acct-${cli.name}`) })), { code: 'AccessDenied', status: 403 });
    expect((await run(['s3control', 'delete-public-access-block', '--account-id', ACCOUNT])).code).toBe(0);
    await s3.send(new PutBucketPolicyCommand({ Bucket: `acct-${cli.name}`, Policy: publicRead(`acct-${cli.name}`) }));
  });

  it('s3api put-bucket-acl on a new bucket answers AccessControlListNotSupported', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: `cli-acl-${cli.name}` }));
    const out = await run(['s3api', 'put-bucket-acl', '--bucket', `cli-acl-${cli.name}`, '--acl', 'public-read']);
    expect(out.stderr).toContain('An error occurred (AccessControlListNotSupported) when calling the PutBucketAcl operation: The bucket does not allow ACLs');
    const status = await run(['s3api', 'get-public-access-block', '--bucket', `cli-acl-${cli.name}`]);
    expect(status.json?.PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true);
    const blocked = await run(['s3api', 'put-bucket-policy', '--bucket', `cli-acl-${cli.name}`, '--policy', publicRead(`cli-acl-${cli.name}`)]);
    expect(blocked.stderr).toContain('An error occurred (AccessDenied) when calling the PutBucketPolicy operation: User: arn:aws:iam::000000000000:root is not authorized');
    expect((await run(['s3api', 'delete-public-access-block', '--bucket', `cli-acl-${cli.name}`])).code).toBe(0);
    expect((await run(['s3api', 'put-bucket-policy', '--bucket', `cli-acl-${cli.name}`, '--policy', publicRead(`cli-acl-${cli.name}`)])).code).toBe(0);
    expect((await run(['s3api', 'get-bucket-policy-status', '--bucket', `cli-acl-${cli.name}`])).json).toEqual({ PolicyStatus: { IsPublic: true } });
  });
});
