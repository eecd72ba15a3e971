/** Explanations in learner words: resource descriptions, near-miss details, marked policy JSON, --context parsing. */
import { describe, expect, it } from 'vitest';
import { renderPolicyMarked, statementLabel } from '../../src/graders/explain.js';
import { describeResource, resourceMissClause } from '../../src/policy/explain.js';
import { statementCoversAction, statementCoversResource } from '../../src/policy/statements.js';
import { parseContext, WhyInputError } from '../../src/graders/why.js';

describe('match', () => {
  it('actions match case-insensitively with wildcards, resources case-sensitively', () => {
    expect(statementCoversAction({ Action: 's3:get*' }, 's3:GetObject')).toBe(true);
    expect(statementCoversAction({ NotAction: 's3:*' }, 'iam:CreateUser')).toBe(true);
    expect(statementCoversResource({ Resource: 'arn:aws:s3:::acme-reports/*' }, 'arn:aws:s3:::acme-reports')).toBe(false);
    expect(statementCoversResource({ Resource: ['arn:aws:s3:::Acme'] }, 'arn:aws:s3:::acme')).toBe(false);
    expect(statementCoversResource({}, 'anything')).toBe(true);
  });

  it('says what an S3 ARN names, and why a Resource list misses it', () => {
    expect(describeResource('arn:aws:s3:::b')).toBe('the bucket arn:aws:s3:::b');
    expect(describeResource('arn:aws:s3:::b/k.csv')).toBe('the object arn:aws:s3:::b/k.csv');
    expect(resourceMissClause(['arn:aws:s3:::b/*'], 'arn:aws:s3:::b')).toBe('lists arn:aws:s3:::b/*, which names objects, not the bucket');
    expect(resourceMissClause(['arn:aws:s3:::b'], 'arn:aws:s3:::b/k')).toBe('lists arn:aws:s3:::b, which names the bucket itself, not the objects in it (add /*)');
    expect(resourceMissClause(['arn:aws:s3:::other/*'], 'arn:aws:s3:::b/k')).toBe('lists arn:aws:s3:::other/*, which does not match arn:aws:s3:::b/k');
    // another bucket's objects are not "objects instead of the bucket"
    expect(resourceMissClause(['arn:aws:s3:::other/*'], 'arn:aws:s3:::b')).toBe('lists arn:aws:s3:::other/*, which does not match arn:aws:s3:::b');
  });
});

describe('renderPolicyMarked', () => {
  it('marks every line of the chosen statement and keeps valid-looking JSON', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Sid: 'B', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] });
    const out = renderPolicyMarked(doc, [2]);
    const marked = out.split('\n').filter((l) => l.startsWith('▶'));
    expect(marked.join('\n')).toContain('"Sid": "B"');
    expect(marked.join('\n')).not.toContain('"Sid": "A"');
    expect(JSON.parse(out.split('\n').map((l) => l.slice(2)).join('\n'))).toEqual(JSON.parse(doc));
  });

  it('handles Statement given as an object', () => {
    const out = renderPolicyMarked(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }), [1], '>');
    expect(out).toMatch(/^> +"Effect": "Allow",$/m);
    expect(out).toContain('"Statement": [');
  });

  it('labels statements by index and Sid', () => {
    expect(statementLabel(1, 'ReadReports')).toBe('statement 1 "ReadReports"');
    expect(statementLabel(3)).toBe('statement 3');
  });
});

describe('parseContext', () => {
  it('parses key=value pairs, repeated keys become lists', () => {
    expect(parseContext(['aws:SourceIp=10.1.2.3', 'aws:MultiFactorAuthPresent=true', 'aws:TagKeys=a', 'aws:TagKeys=b'])).toEqual({
      'aws:SourceIp': '10.1.2.3',
      'aws:MultiFactorAuthPresent': 'true',
      'aws:TagKeys': ['a', 'b'],
    });
  });
  it('refuses a pair without "="', () => {
    expect(() => parseContext(['aws:SourceIp'])).toThrow(WhyInputError);
  });
});
