/**
 * Policies and roles through the real AWS CLI (v1 on PATH and, where installed, Debian's v2):
 * auto-pagination over the whole AWS managed catalog, documents decoded by the CLI, versions,
 * attachments and their errors with exit codes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreatePolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { availableClis, awsCli, clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let dir: string;
let iam: IAMClient;

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'] }],
});
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: false });
  iam = clients(emu.endpoint).iam;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-policies-'));
  fs.writeFileSync(path.join(dir, 'policy.json'), POLICY);
  fs.writeFileSync(path.join(dir, 'trust.json'), TRUST);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"Version": "2012-10-17", "Statement": [');
});
afterAll(async () => {
  await emu?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const cli of availableClis()) {
  // Each CLI start costs seconds on a loaded 2-core machine: allow these tests time (not a timed assertion).
  describe(`aws CLI ${cli.name}`, { timeout: 240_000 }, () => {
    const run = (...args: string[]) => awsCli(emu.endpoint, args, { bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag });
    const file = (name: string) => `file://${path.join(dir, name)}`;
    const suffix = cli.name; // each CLI gets its own entities in the shared emulator

    it('auto-paginates list-policies --scope AWS over the whole catalog', async () => {
      const out = await run('iam', 'list-policies', '--scope', 'AWS', '--output', 'json');
      expect(out.code, out.stderr).toBe(0);
      expect(out.json.Policies.length).toBeGreaterThan(1000);
      expect(out.json.Policies.some((p: any) => p.PolicyName === 'AmazonS3ReadOnlyAccess')).toBe(true);
    });

    it('creates a policy, versions it and reads the document back decoded', async () => {
      const created = await run('iam', 'create-policy', '--policy-name', `Reports-${suffix}`, '--policy-document', file('policy.json'));
      expect(created.code, created.stderr).toBe(0);
      const arn = created.json.Policy.Arn;
      expect(arn).toBe(`arn:aws:iam::000000000000:policy/Reports-${suffix}`);
      // Versions 2–5 through the SDK (each CLI start costs a second or two); the limit through the CLI.
      for (let i = 2; i <= 5; i++) {
        await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: POLICY, SetAsDefault: true }));
      }
      const [v1, sixth, versions, delDefault] = await Promise.all([
        run('iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v1'),
        run('iam', 'create-policy-version', '--policy-arn', arn, '--policy-document', file('policy.json')),
        run('iam', 'list-policy-versions', '--policy-arn', arn),
        run('iam', 'delete-policy-version', '--policy-arn', arn, '--version-id', 'v5'),
      ]);
      expect(v1.code, v1.stderr).toBe(0);
      // The CLI decodes the URL-encoded document into JSON.
      expect(v1.json.PolicyVersion.Document).toEqual(JSON.parse(POLICY));
      expect(sixth.code).not.toBe(0);
      expect(sixth.stderr).toContain('LimitExceeded');
      expect(sixth.stderr).toContain('A managed policy can have up to 5 versions.');
      expect(versions.json.Versions.map((v: any) => v.VersionId)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
      expect(delDefault.code).not.toBe(0);
      expect(delDefault.stderr).toContain('DeleteConflict');
      expect(delDefault.stderr).toContain('Cannot delete the default version of a policy.');
    });

    it('refuses a malformed document with MalformedPolicyDocument', async () => {
      const out = await run('iam', 'create-policy', '--policy-name', `Bad-${suffix}`, '--policy-document', file('bad.json'));
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('MalformedPolicyDocument');
      expect(out.stderr).toContain('Syntax errors in policy.');
    });

    it('creates a role with an instance profile and an attached AWS managed policy', async () => {
      const role = `Web-${suffix}`;
      const created = await run('iam', 'create-role', '--role-name', role, '--assume-role-policy-document', file('trust.json'));
      expect(created.code, created.stderr).toBe(0);
      expect(created.json.Role.AssumeRolePolicyDocument).toEqual(JSON.parse(TRUST));
      const [attach, profile] = await Promise.all([
        run('iam', 'attach-role-policy', '--role-name', role, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'),
        run('iam', 'create-instance-profile', '--instance-profile-name', role),
      ]);
      expect(attach.code, attach.stderr).toBe(0);
      expect(profile.code, profile.stderr).toBe(0);
      const add = await run('iam', 'add-role-to-instance-profile', '--instance-profile-name', role, '--role-name', role);
      expect(add.code, add.stderr).toBe(0);
      const [conflict, attached, profiles, got, missing] = await Promise.all([
        run('iam', 'delete-role', '--role-name', role),
        run('iam', 'list-attached-role-policies', '--role-name', role),
        run('iam', 'list-instance-profiles-for-role', '--role-name', role),
        run('iam', 'get-role', '--role-name', role),
        run('iam', 'attach-role-policy', '--role-name', role, '--policy-arn', 'arn:aws:iam::aws:policy/NotAPolicy'),
      ]);
      expect(conflict.code).not.toBe(0);
      expect(conflict.stderr).toContain('DeleteConflict');
      expect(conflict.stderr).toContain('Cannot delete entity, must remove roles from instance profile first.');
      expect(attached.json.AttachedPolicies).toEqual([
        { PolicyName: 'AmazonSSMManagedInstanceCore', PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' },
      ]);
      expect(profiles.json.InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual([role]);
      expect(got.json.Role.AssumeRolePolicyDocument).toEqual(JSON.parse(TRUST));
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('NoSuchEntity');
      expect(missing.stderr).toContain('Policy arn:aws:iam::aws:policy/NotAPolicy does not exist or is not attachable.');
    });

    it('puts and gets an inline role policy, and simulates a custom policy', async () => {
      const role = `Web-${suffix}`;
      const put = await run('iam', 'put-role-policy', '--role-name', role, '--policy-name', 'reports', '--policy-document', file('policy.json'));
      expect(put.code, put.stderr).toBe(0);
      const [got, sim, details] = await Promise.all([
        run('iam', 'get-role-policy', '--role-name', role, '--policy-name', 'reports'),
        run(
          'iam', 'simulate-custom-policy', '--policy-input-list', POLICY,
          '--action-names', 's3:GetObject', 's3:PutObject', '--resource-arns', 'arn:aws:s3:::acme-reports/q3.csv',
        ),
        run('iam', 'get-account-authorization-details', '--filter', 'Role'),
      ]);
      expect(got.json.PolicyDocument).toEqual(JSON.parse(POLICY));
      expect(sim.code, sim.stderr).toBe(0);
      expect(sim.json.EvaluationResults.map((r: any) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
      expect(details.code, details.stderr).toBe(0);
      const detail = details.json.RoleDetailList.find((r: any) => r.RoleName === role);
      expect(detail.RolePolicyList[0].PolicyDocument).toEqual(JSON.parse(POLICY));
    });
  });
}
