/** The typo finder: unknown actions with a suggestion, unknown service principals, ARNs that cannot match. */
import { describe, expect, it } from 'vitest';
import { closest, lintArn, lintPolicy } from '../../src/policy/lint.js';

const messages = async (doc: object) => (await lintPolicy(doc)).map((f) => f.message);

describe('lintPolicy', () => {
  it('suggests the real action for a misspelt one', async () => {
    const f = await lintPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }] });
    expect(f).toEqual([{ path: 'Statement[0].Action', message: 's3:GetObjects is not an S3 action — did you mean s3:GetObject?', suggestion: 's3:GetObject' }]);
  });

  it('accepts real actions in any case, wildcards that match, and "*"', async () => {
    expect(await messages({ Statement: [{ Effect: 'Allow', Action: ['s3:getobject', 's3:List*', 'iam:CreateUser', '*'], Resource: '*' }] })).toEqual([]);
  });

  it('flags wildcards that match nothing and unknown service prefixes', async () => {
    const m = await messages({ Statement: { Effect: 'Allow', Action: ['s3:Frobnicate*', 'sts:AssumeRol', 'lamda:InvokeFunction'], Resource: '*' } });
    expect(m[0]).toBe('s3:Frobnicate* matches no s3 action');
    expect(m[1]).toMatch(/^sts:AssumeRol is not an .* action — did you mean sts:AssumeRole\?$/);
    expect(m[2]).toBe('lamda is not an AWS service prefix, so lamda:InvokeFunction matches nothing — did you mean lambda:InvokeFunction?');
  });

  it('flags service principals that do not exist, with a suggestion', async () => {
    const f = await lintPolicy({ Statement: [{ Effect: 'Allow', Principal: { Service: ['lamda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2'] }, Action: 'sts:AssumeRole' }] }, 'trust');
    expect(f.map((x) => x.suggestion)).toEqual(['lambda.amazonaws.com', 'ec2.amazonaws.com']);
    expect(f[0].message).toBe('lamda.amazonaws.com is not an AWS service principal — did you mean lambda.amazonaws.com?');
    expect(f[1].message).toMatch(/^ec2 is not a service principal/);
  });

  it('flags aws: condition keys AWS never sets, with the likely one; keeps real keys in any case and tag keys', async () => {
    const cond = (Condition: object) => messages({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition }] });
    expect(await cond({ IpAddress: { 'aws:SourceIpAddress': '10.0.0.0/8' } })).toEqual([
      'aws:SourceIpAddress is not an AWS global condition key, so no request carries it and the condition never sees a value — did you mean aws:SourceIp?',
    ]);
    expect(await cond({ Bool: { 'aws:MultiFactorAuthPresnt': 'true' } })).toEqual([
      'aws:MultiFactorAuthPresnt is not an AWS global condition key, so no request carries it and the condition never sees a value — did you mean aws:MultiFactorAuthPresent?',
    ]);
    const f = await lintPolicy({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MFAPresent': 'true' } } }] });
    expect(f[0].path).toBe('Statement[0].Condition.Bool.aws:MFAPresent');
    expect(await cond({ IpAddress: { 'aws:sourceip': '10.0.0.0/8' }, StringEquals: { 'aws:PrincipalTag/team': 'x', 'aws:username': 'bob', 's3:prefix': 'home/' } })).toEqual([]);
    expect(await cond({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' }, Null: { 'aws:TokenIssueTime': 'true' } })).toEqual([]);
  });

  it('flags ARNs that cannot match: colon count, partition, S3 with region or account', () => {
    expect(lintArn('arn:aws:s3::acme-reports', 'R')?.suggestion).toBe('arn:aws:s3:::acme-reports');
    expect(lintArn('arn:amazon:s3:::acme-reports', 'R')?.message).toMatch(/partition "amazon", which does not exist/);
    expect(lintArn('arn:aws:s3:us-east-1:123456789012:acme-reports/*', 'R')?.suggestion).toBe('arn:aws:s3:::acme-reports/*');
    expect(lintArn('arn:aws:s3:::acme-reports/*', 'R')).toBeUndefined();
    expect(lintArn('arn:aws:iam::111122223333:root', 'R')).toBeUndefined();
    expect(lintArn('*', 'R')).toBeUndefined();
  });

  it('checks AWS principals in trust and bucket policies', async () => {
    const m = await messages({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:111122223333:root' }, Action: 'sts:AssumeRole' }] });
    expect(m[0]).toMatch(/has 4 colons/);
  });

  it('ignores documents that are not JSON (the validator reports those)', async () => {
    expect(await lintPolicy('{not json')).toEqual([]);
  });

  it('closest() only suggests near words', () => {
    expect(closest('GetObjects', ['GetObject', 'PutObject'])).toBe('GetObject');
    expect(closest('Completely', ['GetObject'])).toBeUndefined();
  });
});
