/**
 * A check looks at the learner's account without acting in it: on the embedded backend the
 * grading service's calls are not in the account's CloudTrail history (a learner auditing it in
 * lab 05 sees their own calls, not hundreds of the grader's) and do not count as a key's last use,
 * even when a grader signs with the learner's own key (lab 01 tests that Samy's key works). What a
 * learner does with the AWS CLI is still recorded. Through the built CLI and the real course.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetAccessKeyLastUsedCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/runner/aws-files.js';
import { cleanup, cli, ensureBuilt, realCourse, session, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

let lab: Lab;
afterAll(async () => {
  if (lab) await cleanup(lab);
});

/** The lab's root profile, as the lab's AWS files hold it. */
function rootCredentials(l: Lab): { accessKeyId: string; secretAccessKey: string } {
  const root = parseIni(fs.readFileSync(path.join(l.env.IAM_LABS_HOME, 'labs', '01-users', 'aws', 'credentials'), 'utf8')).get('default')!;
  return { accessKeyId: root.get('aws_access_key_id')!, secretAccessKey: root.get('aws_secret_access_key')! };
}

describe('grading observes the account', () => {
  it('checks add no CloudTrail events and no last use; the learner’s own calls are recorded', async () => {
    lab = realCourse();
    expect((await cli(lab, ['start', '01', '--detach', '--plain'])).code).toBe(0);
    expect((await cli(lab, ['solve', '01', '--plain'])).code).toBe(0);
    const s = session(lab)!;
    const common = { endpoint: s.endpoint, region: 'us-east-1', credentials: rootCredentials(lab), maxAttempts: 1 };
    const trail = new CloudTrailClient(common);
    const iam = new IAMClient(common);
    try {
      const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'Samy' }))).AccessKeyMetadata ?? [];
      expect(keys.length).toBeGreaterThan(0);
      const lastUse = async () =>
        Promise.all(keys.map(async (k) => (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId! }))).AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? 'never'));
      const usedBefore = await lastUse();
      // CloudTrail's times are whole seconds: start after the second of the calls above
      await new Promise((r) => setTimeout(r, 1100));
      const since = new Date();

      for (let i = 0; i < 3; i++) {
        const r = await cli(lab, ['check', '01', '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).gradedBy).toBe('grading-host');
      }

      const events = (await trail.send(new LookupEventsCommand({ StartTime: since }))).Events ?? [];
      // only this test's own LookupEvents call may be there: it is an act of the account's root
      expect(events.map((e) => e.EventName).filter((n) => n !== 'LookupEvents')).toEqual([]);
      expect(await lastUse()).toEqual(usedBefore);

      // the learner's calls are still recorded
      const r = await cli(lab, ['shell', '01', '-c', 'aws sts get-caller-identity --profile samy']);
      expect(r.code, r.stderr).toBe(0);
      const after = (await trail.send(new LookupEventsCommand({ StartTime: since }))).Events ?? [];
      expect(after.some((e) => e.EventName === 'GetCallerIdentity' && e.Username === 'Samy')).toBe(true);
      expect(await lastUse()).not.toEqual(usedBefore);
    } finally {
      trail.destroy();
      iam.destroy();
    }
  }, 120_000);
});
