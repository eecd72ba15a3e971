import { originalResourceTypesForAction as orig, fastResourceTypesForAction as fast } from '../../src/policy/simulator.js';
const cases: Array<[string, string, string]> = [];
const res = ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/q1.csv', 'arn:aws:s3:::acme-reports/a/b/c:d.txt', 'arn:aws:s3:::ACME/x', 'arn:aws:iam::000000000000:user/analyst', 'arn:aws:iam::000000000000:user/path/x', 'arn:aws:iam::000000000000:role/r', 'arn:aws:iam::000000000000:role/service-role/r', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::000000000000:policy/p', 'arn:aws:iam::000000000000:group/g', 'arn:aws:iam::000000000000:instance-profile/ip', 'arn:aws:iam::000000000000:mfa/m', 'arn:aws:sts::000000000000:assumed-role/r/s', 'arn:aws:iam::000000000000:root', 'arn:aws:s3:us-east-1:000000000000:accesspoint/ap', 'arn:aws:s3:us-east-1:000000000000:accesspoint/ap/object/k', 'arn:aws:s3:::', 'arn:aws:s3:::b/', 'arn:aws:iam::000000000000:user/', 'arn:aws:ec2:us-east-1:000000000000:instance/i-1', 'arn:aws-cn:s3:::b/k', 'arn:aws:s3:::b:c/k', 'arn:aws:iam::000000000000:oidc-provider/x', 'arn:aws:iam::000000000000:server-certificate/x'];
const actions = ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject', 's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:GetObjectTagging', 'iam:GetUser', 'iam:CreateUser', 'iam:GetRole', 'iam:PassRole', 'iam:AttachUserPolicy', 'iam:GetPolicy', 'iam:CreateAccessKey', 'iam:AddUserToGroup', 'iam:DeleteVirtualMFADevice', 'iam:TagUser', 'iam:TagPolicy', 'sts:AssumeRole', 'sts:TagSession', 'ec2:StartInstances', 'iam:GetInstanceProfile', 's3:GetAccessPoint', 's3:GetObjectAcl'];
let n = 0, bad = 0;
for (const a of actions) for (const r of res) {
  const [svc, act] = a.split(':');
  let o: any, f: any;
  try { o = (await orig(svc, act, r)).map((x) => x.key).join(','); } catch (e) { o = 'ERR ' + (e as Error).message; }
  try { f = (await fast(svc, act, r)).map((x) => x.key).join(','); } catch (e) { f = 'ERR ' + (e as Error).message; }
  n++; if (o !== f) { bad++; console.log('DIFF', a, r, '| orig:', o, '| fast:', f); }
}
console.log(`${n} cases, ${bad} differences`);
