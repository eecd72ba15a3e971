/**
 * Keeping an analyzer's findings true to the account: every call that reads findings re-analyzes
 * the resources in the analyzer's zone (buckets and repositories of its region, IAM roles), so a
 * new grant becomes an ACTIVE finding, a narrowed policy RESOLVES the finding, and an ARCHIVED
 * finding stays archived while the access it describes remains.
 */
import crypto from 'node:crypto';
import { ecrState } from '../ecr/models.js';
import type { AccountState } from '../state/account.js';
import { externalAccess, type AnalyzedResource } from './external-access.js';
import { accessAnalyzerState, type Analyzer, type Finding } from './models.js';

function resourcesOf(account: AccountState, region: string): AnalyzedResource[] {
  const out: AnalyzedResource[] = [];
  for (const b of Object.values(account.s3.buckets)) {
    if (b.policy && (b.region ?? 'us-east-1') === region) out.push({ arn: `arn:aws:s3:::${b.name}`, type: 'AWS::S3::Bucket', service: 's3', policy: b.policy });
  }
  for (const r of Object.values(account.iam.roles)) {
    out.push({ arn: r.arn, type: 'AWS::IAM::Role', service: 'sts', policy: r.assumeRolePolicyDocument });
  }
  if (account.ecr) {
    for (const repo of Object.values(ecrState(account).repositories)) {
      if (repo.policy && repo.region === region) out.push({ arn: repo.arn, type: 'AWS::ECR::Repository', service: 'ecr', policy: repo.policy });
    }
  }
  return out;
}

const accessKey = (resource: string, principal: object, condition: object) =>
  JSON.stringify([resource, Object.entries(principal).sort(), Object.entries(condition).sort()]);

/** Re-analyze and update the analyzer's findings; true when something changed (to persist). */
export async function reanalyze(account: AccountState, analyzer: Analyzer): Promise<boolean> {
  const state = accessAnalyzerState(account);
  const now = new Date().toISOString();
  const resources = resourcesOf(account, analyzer.region);
  const grants = (await Promise.all(resources.map((r) => externalAccess(r, account.accountId)))).flat();
  const current = new Map(grants.map((g) => [accessKey(g.resource, g.principal, g.condition), g]));
  let changed = false;
  const open = Object.values(state.findings).filter((f) => f.analyzerArn === analyzer.arn && f.status !== 'RESOLVED');
  for (const f of open) {
    const g = current.get(f.accessKey);
    f.analyzedAt = now;
    if (!g) {
      f.status = 'RESOLVED';
      f.updatedAt = now;
      changed = true;
      continue;
    }
    current.delete(f.accessKey);
    if (JSON.stringify(g.action) !== JSON.stringify(f.action) || g.isPublic !== f.isPublic) {
      Object.assign(f, { action: g.action, isPublic: g.isPublic, updatedAt: now });
      changed = true;
    }
  }
  for (const [key, g] of current) {
    const f: Finding = {
      id: crypto.randomUUID(),
      analyzerArn: analyzer.arn,
      resource: g.resource,
      resourceType: g.resourceType,
      resourceOwnerAccount: account.accountId,
      principal: g.principal,
      action: g.action,
      condition: g.condition,
      isPublic: g.isPublic,
      ...(g.sources ? { sources: g.sources } : {}),
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      analyzedAt: now,
      accessKey: key,
    };
    state.findings[f.id] = f;
    changed = true;
  }
  if (resources.length) {
    analyzer.lastResourceAnalyzed = resources[resources.length - 1].arn;
    analyzer.lastResourceAnalyzedAt = now;
  }
  return changed;
}
