/**
 * src/policy/resource-types.ts answers iam-simulate's "which resource types can this ARN be" itself
 * for concrete ASCII ARNs: it must agree with iam-simulate's own answer everywhere.
 */
import { describe, expect, it } from 'vitest';
import { fastResourceTypes as fastResourceTypesForAction, simulatorResourceTypes as originalResourceTypesForAction } from '../../src/policy/resource-types.js';

const RESOURCES = [
  'arn:aws:s3:::acme-reports',
  'arn:aws:s3:::acme-reports/q1.csv',
  'arn:aws:s3:::acme-reports/a/b/c:d.txt',
  'arn:aws:s3:::ACME/x',
  'arn:aws:s3:::',
  'arn:aws:s3:::b/',
  'arn:aws:s3:::b:c/k',
  'arn:aws-cn:s3:::b/k',
  'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
  'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k',
  'arn:aws:iam::111122223333:user/analyst',
  'arn:aws:iam::111122223333:user/path/to/x',
  'arn:aws:iam::111122223333:user/',
  'arn:aws:iam::111122223333:role/r',
  'arn:aws:iam::111122223333:role/service-role/r',
  'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  'arn:aws:iam::111122223333:policy/p',
  'arn:aws:iam::111122223333:group/g',
  'arn:aws:iam::111122223333:instance-profile/ip',
  'arn:aws:iam::111122223333:mfa/m',
  'arn:aws:iam::111122223333:root',
  'arn:aws:iam::111122223333:oidc-provider/x',
  'arn:aws:sts::111122223333:assumed-role/r/s',
  'arn:aws:ec2:us-east-1:111122223333:instance/i-1',
];
const ACTIONS = [
  's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject', 's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:GetObjectAcl',
  's3:GetAccessPoint', 'iam:GetUser', 'iam:CreateUser', 'iam:GetRole', 'iam:PassRole', 'iam:AttachUserPolicy', 'iam:GetPolicy',
  'iam:CreateAccessKey', 'iam:AddUserToGroup', 'iam:DeleteVirtualMFADevice', 'iam:TagUser', 'iam:GetInstanceProfile',
  'sts:AssumeRole', 'sts:TagSession', 'ec2:StartInstances',
];

async function answer(fn: typeof fastResourceTypesForAction, action: string, resource: string): Promise<string> {
  const [service, name] = action.split(':');
  try {
    return (await fn(service, name, resource)).map((t) => t.key).join(',');
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('policy engine: resource types of a request', () => {
  it('the fast path agrees with iam-simulate for every action × ARN of the table', async () => {
    const differences: string[] = [];
    for (const action of ACTIONS) {
      for (const resource of RESOURCES) {
        const fast = await answer(fastResourceTypesForAction, action, resource);
        const original = await answer(originalResourceTypesForAction, action, resource);
        if (fast !== original) differences.push(`${action} on ${resource}: ${fast} vs ${original}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
