/**
 * A grading that cannot run in the emulator's process (its grading service runs another build,
 * or is down) grades over HTTP. Its reads must not land in the account's CloudTrail history as
 * the root's acts: lab 05 and 06 grade that history, and a few hundred grading reads would push
 * the learner's own events out (the history keeps 1,000 per account). The runner's clients say
 * "only looking" with the emulator's control token; without the token (a learner's command, a web
 * page), or with a wrong one, the request is recorded as any other.
 */
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { createLabContext, FactMap, MemoryProfiles } from '../../src/runner/lab-context.js';
import { ROOT, startTestEmulator } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';

let em: StartedEmulator;

beforeAll(async () => {
  em = await startTestEmulator();
});
afterAll(() => em.close());

async function listUsersEvents(): Promise<number> {
  const trail = serviceClients(em.endpoint).cloudtrail;
  const r = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListUsers' }] }));
  trail.destroy();
  return r.Events?.length ?? 0;
}

async function gradeReads(controlToken: string | undefined, observe = true): Promise<void> {
  const target = { endpoint: em.endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES, ...(controlToken ? { controlToken } : {}) };
  const { ctx, destroy } = createLabContext(target, new FactMap(), new MemoryProfiles(), undefined, new Set(), { observe });
  try {
    for (let i = 0; i < 3; i++) await ctx.clients.iam.send(new ListUsersCommand({}));
  } finally {
    destroy();
  }
}

describe('a grading over HTTP', () => {
  it('with the control token: not in the CloudTrail history', async () => {
    const before = await listUsersEvents();
    await gradeReads(em.emulator.controlToken);
    expect(await listUsersEvents()).toBe(before);
  });

  it('with a wrong token, or acting (not grading): recorded, as any request', async () => {
    const before = await listUsersEvents();
    await gradeReads('0'.repeat(64));
    expect(await listUsersEvents()).toBe(before + 3);
    await gradeReads(em.emulator.controlToken, false);
    expect(await listUsersEvents()).toBe(before + 6);
  });
});
