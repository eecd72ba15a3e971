/**
 * The Resources list of a LookupEvents event (what ResourceType / ResourceName lookups match):
 * the resources a call named in its parameters, or created (an access key's id in the response).
 */
import type { TrailResource } from './models.js';

const BY_PARAMETER: Record<string, string> = {
  userName: 'AWS::IAM::User',
  groupName: 'AWS::IAM::Group',
  roleName: 'AWS::IAM::Role',
  roleArn: 'AWS::IAM::Role',
  policyArn: 'AWS::IAM::Policy',
  instanceProfileName: 'AWS::IAM::InstanceProfile',
  accessKeyId: 'AWS::IAM::AccessKey',
  bucketName: 'AWS::S3::Bucket',
  repositoryName: 'AWS::ECR::Repository',
  functionName: 'AWS::Lambda::Function',
  analyzerName: 'AWS::AccessAnalyzer::Analyzer',
  instanceId: 'AWS::EC2::Instance',
  imageId: 'AWS::EC2::Ami',
};

function walk(v: unknown, out: TrailResource[], depth: number): void {
  if (depth > 4 || !v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    const type = Object.hasOwn(BY_PARAMETER, k) ? BY_PARAMETER[k] : undefined;
    if (type && typeof x === 'string' && x) {
      if (!out.some((r) => r.ResourceType === type && r.ResourceName === x)) out.push({ ResourceType: type, ResourceName: x });
    } else walk(x, out, depth + 1);
  }
}

export function eventResources(requestParameters: unknown, responseElements: unknown, extra: Array<{ type: string; name: string }> = []): TrailResource[] {
  const out: TrailResource[] = extra.map((r) => ({ ResourceType: r.type, ResourceName: r.name }));
  walk(requestParameters, out, 0);
  walk(responseElements, out, 0);
  return out;
}
