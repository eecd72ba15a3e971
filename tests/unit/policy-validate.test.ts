/**
 * The policy grammar as IAM checks it (src/policy/validate.ts): the first message AWS gives for
 * each kind of mistake, in IAM's order, and the evaluation's fail-closed treatment of condition
 * operators it does not know.
 */
import { describe, expect, it } from 'vitest';
import { policyEngine } from '../../src/policy/index.js';
import { failClosedConditions, validatePolicyDocument } from '../../src/policy/validate.js';

const J = JSON.stringify;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const first = (d: object | string, kind: 'identity' | 'trust' | 'resource' = 'identity', managed = false) =>
  validatePolicyDocument(typeof d === 'string' ? d : J(d), kind, { managed })[0]?.message;
const trust = (extra: object) => doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', ...extra });

describe('trust policies', () => {
  it('allow only the STS actions that act on a role', () => {
    for (const ok of ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:*', '*', 'sts:Assume*']) {
      expect(first(trust({ Action: ok }), 'trust')).toBeUndefined();
    }
    for (const bad of ['s3:GetObject', 'sts:GetCallerIdentity', 'iam:PassRole', ['sts:AssumeRole', 'sts:GetFederationToken']]) {
      expect(first(trust({ Action: bad }), 'trust')).toBe('AssumeRole policy may only specify STS AssumeRole actions.');
    }
  });

  it('refuse service principals AWS does not know, and bare prefixes', () => {
    expect(first(trust({ Principal: { Service: 'lamda.amazonaws.com' } }), 'trust')).toBe('Invalid principal in policy: "SERVICE":"lamda.amazonaws.com"');
    expect(first(trust({ Principal: { Service: 'ec2' } }), 'trust')).toBe('Invalid principal in policy: "SERVICE":"ec2"');
    expect(first(trust({ Principal: { Service: ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com.cn'] } }), 'trust')).toBeUndefined();
  });

  it('refuse AWS principals that are not an account, user, role or session, and wildcards inside ARNs', () => {
    expect(first(trust({ Principal: { AWS: 'arn:aws:iam::123456789012:group/devs' } }), 'trust')).toBe('Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/devs"');
    expect(first(trust({ Principal: { AWS: 'arn:aws:iam::123456789012:user/*' } }), 'trust')).toBe('Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"');
    expect(first(trust({ Principal: { AWS: ['123456789012', 'arn:aws:iam::123456789012:root', 'arn:aws:sts::123456789012:assumed-role/r/s'] } }), 'trust')).toBeUndefined();
  });

  it('word invalid JSON as CreateRole does, and prohibit Resource', () => {
    expect(first('{"Version":', 'trust')).toBe('This policy contains invalid Json');
    expect(first(trust({ Resource: '*' }), 'trust')).toBe('Has prohibited field Resource.');
  });
});

describe('versions', () => {
  it('managed policies must be 2012-10-17; inline and trust policies may be 2008-10-17', () => {
    const old = { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    expect(first(old, 'identity', true)).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(first({ Statement: old.Statement }, 'identity', true)).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(first(old, 'identity')).toBeUndefined();
    expect(first({ ...trust({}), Version: '2008-10-17' }, 'trust')).toBeUndefined();
    expect(first({ ...old, Version: '2010-01-01' }, 'identity', true)).toBe('The policy failed legacy parsing');
  });
});

describe('resources', () => {
  const allow = (Resource: unknown) => doc({ Effect: 'Allow', Action: 's3:GetObject', Resource });
  it('IAM and S3 ARNs carry no region', () => {
    expect(first(allow('arn:aws:iam:us-east-1:123456789012:user/alice'))).toBe('IAM resource arn:aws:iam:us-east-1:123456789012:user/alice cannot contain region information.');
    expect(first(allow('arn:aws:s3:us-east-1::acme-reports'))).toBe('Resource arn:aws:s3:us-east-1::acme-reports can not contain region information.');
    expect(first(allow('arn:aws:s3:us-east-1:123456789012:accesspoint/ap'))).toBeUndefined();
  });

  it('IAM resource paths start with a resource type', () => {
    expect(first(allow('arn:aws:iam::123456789012:alice'))).toBe(
      'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.',
    );
  });

  it('non-ARNs, partitions, and null entries', () => {
    expect(first(allow('acme-reports'))).toBe('Resource acme-reports must be in ARN format or "*".');
    expect(first(allow('arn:aws:iam::123'))).toBe('The policy failed legacy parsing');
    expect(first(allow('arn:awz:s3:::b'))).toBe('Partition "awz" is not valid for resource "arn:awz:s3:::b".');
    expect(first(allow(['arn:aws:s3:::b/*', null]))).toBeUndefined();
  });
});

describe('conditions', () => {
  const withCondition = (Condition: object, Effect = 'Deny') => doc({ Effect, Action: 's3:*', Resource: '*', Condition });
  it('an unknown operator is a syntax error; known ones with set and IfExists forms pass', () => {
    expect(first(withCondition({ StringEqualz: { 'aws:username': 'alice' } }))).toBe('Syntax errors in policy.');
    expect(first(withCondition({ 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'a*' }, Null: { 'aws:TokenIssueTime': 'true' } }))).toBeUndefined();
  });

  it('bad dates fail legacy parsing', () => {
    expect(first(withCondition({ DateGreaterThan: { 'aws:CurrentTime': '2026-13-01T00:00:00Z' } }))).toBe('The policy failed legacy parsing');
    expect(first(withCondition({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-31T12:00:00Z' } }))).toBeUndefined();
  });

  it('evaluation never skips an unknown operator: a Deny then applies, an Allow never does', async () => {
    const rewritten = failClosedConditions(withCondition({ StringEqualz: { 'aws:username': 'nobody' } })) as { Statement: Array<{ Condition: object }> };
    expect(rewritten.Statement[0].Condition).toEqual({ Null: { 'iam-labs:UnknownConditionOperator': 'true' } });
    const result = await policyEngine.evaluate({
      principal: { arn: 'arn:aws:iam::000000000000:user/alice', type: 'user', accountId: '000000000000' },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-reports/q1.csv',
      identityPolicies: [
        { name: 'allow', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
        { name: 'typo deny', document: withCondition({ StringEqualz: { 'aws:username': 'nobody' } }) },
      ],
    });
    expect(result.decision).toBe('ExplicitlyDenied');
    const allowOnly = await policyEngine.evaluate({
      principal: { arn: 'arn:aws:iam::000000000000:user/alice', type: 'user', accountId: '000000000000' },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-reports/q1.csv',
      identityPolicies: [{ name: 'typo allow', document: withCondition({ StringEqualz: { 'aws:username': 'alice' } }, 'Allow') }],
    });
    expect(allowOnly.decision).toBe('ImplicitlyDenied');
  });
});

describe('order of checks', () => {
  it('reports what IAM reports first', () => {
    // Legacy parsing (Effect's case) comes before resource format, which comes before action prefixes.
    expect(first(doc({ Effect: 'allow', Action: 'nope', Resource: 'x' }))).toBe('The policy failed legacy parsing');
    expect(first(doc({ Effect: 'Allow', Action: 'nope', Resource: 'x' }))).toBe('Resource x must be in ARN format or "*".');
    expect(first(doc({ Effect: 'Allow', Action: 'nope', Resource: '*' }))).toBe('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    expect(first(doc({ Sid: 'a', Effect: 'Allow', Action: 's3:*', Resource: 'x' }, { Sid: 'a', Effect: 'Allow', Action: 's3:*', Resource: '*' }))).toBe(
      'Statement IDs (SID) in a single policy must be unique.',
    );
  });
});
