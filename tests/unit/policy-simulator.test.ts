/**
 * src/policy/simulator.ts runs iam-simulate on policies whose wildcard patterns were decided by
 * our linear matcher (decided-patterns.ts), through its own single-resource path. On inputs that do
 * not make a regular expression backtrack, it must give exactly iam-simulate's own answers: the
 * decision, and for every statement whether its action, resource and conditions matched, with the
 * patterns as written. On the inputs that do, it must answer at once.
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { restoreExplain } from '../../src/policy/decided-patterns.js';
import { simulateRequest } from '../../src/policy/simulator.js';
import { MatchBudget } from '../../src/policy/wildcard.js';

const ACCOUNT = '111122223333';
const USER = `arn:aws:iam::${ACCOUNT}:user/analyst`;

const identity = (statements: object[]) => createValidatedPolicy({ Version: '2012-10-17', Statement: statements }, validateIdentityPolicy, { name: 'p' });
const bucketPolicy = (statements: object[]) => createValidatedPolicy({ Version: '2012-10-17', Statement: statements }, validateResourcePolicy, { name: 'bp' });

/** Statements that exercise every kind of pattern the adapter decides. */
const STATEMENTS: object[] = [
  { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::acme-*/*' },
  { Effect: 'Allow', Action: ['s3:*Object', 's3:List?ucket'], Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::*/q?.csv'] },
  { Effect: 'Deny', Action: 's3:DeleteObject', NotResource: 'arn:aws:s3:::acme-reports/keep/*' },
  { Effect: 'Allow', NotAction: 'iam:*User*', Resource: 'arn:aws:iam::*:user/${aws:username}' },
  { Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::1111*:user/a*' },
  { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:us*/*' },
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports', Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'public/*'] } } },
  { Effect: 'Deny', Action: 's3:ListBucket', Resource: '*', Condition: { StringNotLikeIfExists: { 's3:prefix': 'home/*' } } },
  { Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/a*' } } },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/*', 'arn:aws:iam::${aws:PrincipalAccount}:user/x*'] } } },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-*/*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['team*', 'cost-?'] } } },
  { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-*/*', Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': 'team*' } } },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/${aws:username}/*' },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/${aws:nokey}/*' },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3*' },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::literal${*}star/*' },
];

type Context = Record<string, string | string[]>;
const REQUESTS: Array<{ action: string; resource: string; context: Context }> = [];
for (const [action, resource] of [
  ['s3:GetObject', 'arn:aws:s3:::acme-reports/q1.csv'],
  ['s3:GetObject', 'arn:aws:s3:::acme-payroll/salaries.csv'],
  ['s3:GetObject', 'arn:aws:s3:::other/q1.csv'],
  ['s3:GetObject', 'arn:aws:s3:::acme-reports/analyst/notes.txt'],
  ['s3:DeleteObject', 'arn:aws:s3:::acme-reports/keep/a'],
  ['s3:DeleteObject', 'arn:aws:s3:::acme-reports/drop/a'],
  ['s3:PutObject', 'arn:aws:s3:::acme-reports/new.csv'],
  ['s3:ListBucket', 'arn:aws:s3:::acme-reports'],
  ['s3:ListBucket', 'arn:aws:s3:::ACME-REPORTS'],
  ['iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/analyst`],
  ['iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/bob`],
  ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/alice`],
  ['iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/r`],
]) {
  for (const context of [
    {} as Context,
    { 's3:prefix': 'home/analyst/' },
    { 's3:prefix': 'public/x' },
    { 's3:prefix': 'secret/' },
    { 'aws:TagKeys': ['team-a', 'cost-1'] },
    { 'aws:TagKeys': ['team-a', 'other'] },
  ]) {
    REQUESTS.push({ action, resource, context: { 'aws:username': 'analyst', 'aws:PrincipalArn': USER, 'aws:PrincipalAccount': ACCOUNT, ...context } });
  }
}

function simulation(req: (typeof REQUESTS)[number], withBucketPolicy: boolean): Simulation {
  return {
    request: { principal: USER, action: req.action, resource: { resource: req.resource, accountId: ACCOUNT }, contextVariables: req.context },
    identityPolicies: [{ name: 'p', policy: identity(STATEMENTS) }],
    resourcePolicy: withBucketPolicy
      ? bucketPolicy([{ Effect: 'Allow', Principal: { AWS: USER }, Action: 's3:*', Resource: ['arn:aws:s3:::acme-*/*a*', 'arn:aws:s3:::acme-reports'] }])
      : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  } as unknown as Simulation;
}

/** What a learner would be told: per statement, whether each element matched, with the values as written. */
function summary(result: any): unknown {
  if (result.resultType !== 'single') return result;
  const a = result.result.analysis;
  const parts = { identity: a.identityAnalysis, resource: a.resourceAnalysis };
  const out: Record<string, unknown> = { decision: result.overallResult };
  for (const [kind, part] of Object.entries(parts)) {
    if (!part) continue;
    for (const list of ['allowStatements', 'denyStatements', 'unmatchedStatements']) {
      for (const s of part[list] ?? []) {
        const e = restoreExplain(s.statement?.statementObject, s.explain);
        const values = (v: any, f: string) => (v === undefined ? undefined : [v].flat().map((x: any) => `${x[f]}=${x.matches}`));
        out[`${kind} #${s.statement.index()} ${list}`] = {
          action: e.actionMatch,
          resource: e.resourceMatch,
          condition: e.conditionMatch,
          actions: values(e.actions ?? e.notActions, 'action'),
          resources: values(e.resources ?? e.notResources, 'resource'),
          conditions: e.conditions?.map((c: any) => `${c.operator} ${c.conditionKeyValue}: ${values(c.values, 'value')} → ${c.matches}`),
        };
      }
    }
  }
  return out;
}

describe('policy engine: decided patterns give iam-simulate\'s own answers', () => {
  it(`agrees statement by statement on ${REQUESTS.length * 2} requests`, async () => {
    const differences: string[] = [];
    for (const req of REQUESTS) {
      for (const withBucketPolicy of [false, true]) {
        const sim = simulation(req, withBucketPolicy);
        const ours = summary(await simulateRequest(sim, new MatchBudget()));
        const theirs = summary(await runSimulation(sim, {}));
        try {
          expect(ours).toEqual(theirs);
        } catch {
          differences.push(`${req.action} ${req.resource} ${JSON.stringify(req.context)} bucket policy: ${withBucketPolicy}\n ours:   ${JSON.stringify(ours)}\n theirs: ${JSON.stringify(theirs)}`);
        }
      }
    }
    expect(differences.map((d) => d.slice(0, 3000)).slice(0, 2)).toEqual([]);
  });

  it('reads a * in a requested S3 key as a character, not as a wildcard', async () => {
    const policy = identity([
      { Sid: 'Literal', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/literal${*}star' },
      { Sid: 'Other', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/literalXstar' },
    ]);
    const run = async (key: string) => {
      const sim = {
        request: { principal: USER, action: 's3:GetObject', resource: { resource: `arn:aws:s3:::b/${key}`, accountId: ACCOUNT }, contextVariables: {} },
        identityPolicies: [{ name: 'p', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      } as unknown as Simulation;
      const r: any = await simulateRequest(sim, new MatchBudget());
      return { type: r.resultType, decision: r.overallResult, allowedBy: r.result.analysis.identityAnalysis.allowStatements.map((s: any) => s.statement.sid()) };
    };
    expect(await run('literal*star')).toEqual({ type: 'single', decision: 'Allowed', allowedBy: ['Literal'] });
    expect(await run('literalXstar')).toEqual({ type: 'single', decision: 'Allowed', allowedBy: ['Other'] });
    expect(await run('literal*')).toEqual({ type: 'single', decision: 'ImplicitlyDenied', allowedBy: [] });
  });

  it('answers at once where iam-simulate backtracks for seconds (the issue\'s repro, and worse)', async () => {
    const hostile = identity([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::wbk/*a*a*a*a*b' },
      { Effect: 'Allow', Action: 's3:*a*a*a*a*a*a*b', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringLike: { 's3:prefix': '*a*a*a*a*a*a*a*b' } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*a*a*a*a*a*a*b' } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:(a+)+:(.+)+b:x' },
    ]);
    const long = 'a'.repeat(1000);
    const sim = {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:user/${'a'.repeat(60)}`,
        action: 's3:GetObject',
        resource: { resource: `arn:aws:s3:::wbk/${long}`, accountId: ACCOUNT },
        contextVariables: { 's3:prefix': long, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/${'a'.repeat(60)}` },
      },
      identityPolicies: [{ name: 'p', policy: hostile }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    } as unknown as Simulation;
    const budget = new MatchBudget();
    const result = await simulateRequest(sim, budget);
    expect(result.resultType === 'single' && result.overallResult).toBe('ImplicitlyDenied');
    // Bounded work, counted in matcher steps (not timed): well under the request's budget.
    expect(new MatchBudget().remaining - budget.remaining).toBeLessThan(200_000);
  });
});
