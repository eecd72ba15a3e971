/**
 * Lab 05's graders beyond dev check, on the embedded emulator: the seeded past is what the
 * chapter says (CloudTrail events by mallory and admin-alan with their own keys, old-ci's keys in
 * the credential report), the "you looked it up" condition ignores the graders' own lookups and
 * survives many checks, and on a backend without the audit capabilities those conditions are
 * "not verifiable", never passed or failed.
 */
import { LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import { MOTO_CAPABILITIES } from '../../src/backends/moto.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { lab05 } from '../../src/graders/05-hygiene/index.js';
import { withAuditClients } from '../../src/graders/05-hygiene/clients.js';
import { LOOKED_UP_FACT, whoDidIt } from '../../src/graders/05-hygiene/who-did-it.js';
import { checkStep } from '../../src/runner/grading.js';
import { FactMap, createLabContext } from '../../src/runner/lab-context.js';
import { labContext, ROOT, startTestEmulator } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';

let emu: StartedEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const DAY = 24 * 3600 * 1000;
const daysBefore = (d: Date | string | undefined) => Math.round((Date.now() - new Date(d ?? 0).getTime()) / DAY);
const trail = () => serviceClients(emu.endpoint).cloudtrail;
const parsed = (e: Event) => JSON.parse(e.CloudTrailEvent ?? '{}') as { userIdentity: { userName?: string; accessKeyId?: string }; requestParameters: { userName?: string; policyArn?: string } };
const lookupsCondition = async (ctx: Parameters<typeof whoDidIt.check>[0]) =>
  (await whoDidIt.check(ctx)).find((c) => c.name.startsWith('you looked the culprit up'))!;

describe('the seeded past', () => {
  it('CloudTrail: mallory attached AdministratorAccess to helper-bot 3 days ago with her own key; admin-alan attached ReadOnlyAccess 5 days ago', async () => {
    await emu.emulator.state.reset();
    const { ctx, destroy } = labContext(emu.endpoint);
    await lab05.setup(ctx);
    const events = (await trail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AttachUserPolicy' }] }))).Events ?? [];
    const onBot = events.filter((e) => parsed(e).requestParameters.userName === 'helper-bot');
    expect(onBot.map((e) => [e.Username, parsed(e).requestParameters.policyArn, daysBefore(e.EventTime)])).toEqual([
      ['mallory', 'arn:aws:iam::aws:policy/AdministratorAccess', 3],
      ['admin-alan', 'arn:aws:iam::aws:policy/ReadOnlyAccess', 5],
    ]);
    const malloryKeys = (await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: 'mallory' }))).AccessKeyMetadata ?? [];
    expect(parsed(onBot[0]).userIdentity).toMatchObject({ userName: 'mallory', accessKeyId: malloryKeys[0].AccessKeyId });
    destroy();
  });

  it("credential report: old-ci created 400 days ago; one key rotated 400 days ago and last used 200 days ago, the other used yesterday", async () => {
    const { ctx, destroy } = labContext(emu.endpoint);
    await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
    let csv = '';
    for (let i = 0; i < 30 && !csv; i++) {
      csv = await ctx.clients.iam.send(new GetCredentialReportCommand({})).then((r) => Buffer.from(r.Content!).toString('utf8')).catch(() => '');
      if (!csv) await new Promise((r) => setTimeout(r, 100));
    }
    const [header, ...rows] = csv.trim().split('\n');
    const cols = header.split(',');
    const row = Object.fromEntries(rows.find((r) => r.startsWith('old-ci,'))!.split(',').map((v, i) => [cols[i], v]));
    expect(daysBefore(row.user_creation_time)).toBe(400);
    const keys = [1, 2].map((n) => ({ active: row[`access_key_${n}_active`], rotated: daysBefore(row[`access_key_${n}_last_rotated`]), used: daysBefore(row[`access_key_${n}_last_used_date`]) }));
    expect(keys).toEqual(expect.arrayContaining([{ active: 'true', rotated: 400, used: 200 }, { active: 'true', rotated: 40, used: 1 }]));
    // no password policy, no MFA for anyone yet
    expect(rows.find((r) => r.startsWith('admin-alan,'))!.split(',')[cols.indexOf('mfa_active')]).toBe('false');
    destroy();
  });
});

describe('"you looked the culprit up in CloudTrail"', () => {
  it("the graders' own lookups never count; the learner's does, and is remembered as a fact", async () => {
    await emu.emulator.state.reset();
    const facts = new FactMap();
    const { ctx, destroy } = createLabContext({ endpoint: emu.endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES }, facts);
    await lab05.setup(ctx);
    for (let i = 0; i < 3; i++) expect((await lookupsCondition(ctx)).status).toBe('failed');
    // the learner looks it up (the AWS CLI or SDK, without the graders' User-Agent)
    await trail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'mallory' }] }));
    expect((await lookupsCondition(ctx)).status).toBe('passed');
    expect(facts.changed[LOOKED_UP_FACT]).toMatch(/^\d{4}-\d\d-\d\dT/);
    destroy();
  });

  it("is found behind a page of the graders' own lookups, without the fact", async () => {
    const { ctx, destroy } = labContext(emu.endpoint); // fresh facts
    // 60 lookups by the graders (their User-Agent) after the learner's: the learner's is on page 2
    for (let i = 0; i < 60; i++) await withAuditClients(ctx, (c) => c.cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })));
    expect((await lookupsCondition(ctx)).status).toBe('passed');
    destroy();
  }, 60_000);

  it('stays passed over many checks, even when the event history has dropped the lookup (1000 events per account)', async () => {
    const facts = new FactMap();
    const { ctx, destroy } = createLabContext({ endpoint: emu.endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES }, facts);
    expect((await lookupsCondition(ctx)).status).toBe('passed');
    for (let i = 0; i < 60; i++) await checkStep(whoDidIt, whoDidIt.id, createLabContext({ endpoint: emu.endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES }, facts).ctx);
    expect((await lookupsCondition(ctx)).status).toBe('passed');
    destroy();
  }, 120_000);
});

describe('on a backend without the audit capabilities (as moto)', () => {
  it('CloudTrail, Access Analyzer, last use and user boundaries are not verifiable, and checks do not throw', async () => {
    await emu.emulator.state.reset();
    const { ctx, destroy } = labContext(emu.endpoint, { capabilities: MOTO_CAPABILITIES });
    await lab05.setup(ctx);
    const byStep = new Map<string, string[]>();
    for (const step of lab05.steps) {
      const r = await checkStep(step, step.id, ctx);
      expect(r.conditions.map((c) => c.name)).not.toContain('the check could run');
      byStep.set(step.id, r.conditions.filter((c) => c.status === 'unverifiable').map((c) => c.name));
    }
    expect(Object.fromEntries(byStep)).toEqual({
      'hygiene/password-policy': [],
      'hygiene/mfa-admin': [],
      'hygiene/require-mfa': [],
      'hygiene/permissions-boundary': ['dev-john has the permissions boundary DevBoundary', 'dev-john is denied every IAM action (even removing his own boundary)'],
      'hygiene/stale-key': ["old-ci's key unused for more than 90 days is inactive or deleted", "old-ci's key in use (last used in the last 90 days) is untouched and active"],
      'hygiene/who-did-it': ['you looked the culprit up in CloudTrail’s event history'],
      'hygiene/access-analyzer': ['analyzer org-analyzer exists (type ACCOUNT)', 'Access Analyzer reports no active finding for acme-public-share'],
    });
    destroy();
  });
});
