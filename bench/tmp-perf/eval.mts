import { evaluate } from '../../src/policy/engine.js';
import fs from 'node:fs';
const doc = (s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });
const managed = JSON.parse(fs.readFileSync('data/aws-managed-policies.json','utf8'));
const find = (n: string) => { const list = Array.isArray(managed) ? managed : managed.policies ?? Object.values(managed); const p = list.find((x: any) => (x.name ?? x.PolicyName) === n); return typeof p.document === 'string' ? p.document : JSON.stringify(p.document ?? p.Document); };
const pols = [
 { name: 'ReportsReader', document: doc([
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' },
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }]) },
 { name: 'AmazonS3ReadOnlyAccess', document: find('AmazonS3ReadOnlyAccess') },
 { name: 'OfficeOnlyPayroll', document: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-payroll/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]) },
 { name: 'AmazonS3FullAccess', document: find('AmazonS3FullAccess') },
 { name: 'NoDeletes', document: doc([{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::acme-reports/*' }]) },
];
const principal = { arn: 'arn:aws:iam::000000000000:user/analyst', type: 'user' as const, accountId: '000000000000' };
const reqs = [
  { action: 's3:ListBucket', resource: 'arn:aws:s3:::acme-reports' },
  { action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/q1.csv' },
  { action: 'iam:GetUser', resource: 'arn:aws:iam::000000000000:user/analyst' },
  { action: 's3:DeleteObject', resource: 'arn:aws:s3:::acme-reports/q1.csv' },
];
const N = Number(process.argv[2] ?? 2000);
const out: any[] = [];
for (const r of reqs) out.push(await evaluate({ principal, ...r, resourceAccount: '000000000000', context: { 'aws:SourceIp': '127.0.0.1' }, identityPolicies: pols }));
for (let i = 0; i < 200; i++) for (const r of reqs) await evaluate({ principal, ...r, resourceAccount: '000000000000', context: { 'aws:SourceIp': '127.0.0.1' }, identityPolicies: pols });
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) for (const r of reqs) await evaluate({ principal, ...r, resourceAccount: '000000000000', context: { 'aws:SourceIp': '127.0.0.1' }, identityPolicies: pols });
const c = process.cpuUsage(c0);
console.log('ms/eval wall', ((performance.now() - t0) / N / reqs.length).toFixed(4), 'cpu', ((c.user + c.system) / 1000 / N / reqs.length).toFixed(4));
if (process.argv[3]) fs.writeFileSync(process.argv[3], JSON.stringify(out, null, 1));
{
  const t0 = performance.now(); const M = 300;
  for (let i = 0; i < M; i++) await evaluate({ principal, action: 's3:GetObject', resource: `arn:aws:s3:::acme-reports/fresh-${i}.csv`, resourceAccount: '000000000000', context: { 'aws:SourceIp': '127.0.0.1' }, identityPolicies: pols });
  console.log('fresh GetObject ms/eval', ((performance.now() - t0) / M).toFixed(3));
}
