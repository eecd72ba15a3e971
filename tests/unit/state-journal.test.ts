/**
 * Issue 18: the state journal. Changes made through a tracked account become journal records
 * whose replay gives back exactly the state in memory (random edits, every shape of change the
 * handlers make); and the records' format: a torn tail is ignored, a corrupt line before sound
 * ones is found.
 */
import { describe, expect, it } from 'vitest';
import { emptyAccount, type AccountState } from '../../src/emulator/state/account.js';
import { cloudTrailState, type TrailEvent } from '../../src/emulator/cloudtrail/models.js';
import { addEvent, MAX_EVENTS_PER_ACCOUNT } from '../../src/emulator/cloudtrail/retention.js';
import { AccountTracker, untracked } from '../../src/emulator/state/change-tracker.js';
import { applyChange, encodeRecord, readJournalText, toJournalChange, type JournalChange } from '../../src/emulator/state/journal-records.js';
import { parseStateJson } from '../../src/emulator/state/records.js';
import { rng } from '../attack/harness.js';

const ID = '000000000000';
const clone = <T>(v: T): T => parseStateJson(JSON.stringify(v)) as T;

/** A tracked account and a copy that only ever sees the journal's records (what a restart sees). */
function pair() {
  const raw = emptyAccount(ID);
  const tracker = new AccountTracker(() => {});
  const account = tracker.track(raw);
  const replayed = Object.create(null) as Record<string, unknown>;
  replayed[ID] = clone(raw);
  const journal: string[] = [];
  const flush = () => {
    const changes: JournalChange[] = tracker.take(raw).map((c) => toJournalChange(ID, c));
    if (!changes.length) return;
    journal.push(encodeRecord(changes));
    const read = readJournalText(journal[journal.length - 1]);
    for (const record of read.records) for (const c of record) applyChange(replayed, c);
  };
  return { raw, account, flush, replayed: () => replayed[ID], journal };
}

describe('change tracking', () => {
  it('writes only what changed: one user among many', () => {
    const p = pair();
    for (let i = 0; i < 500; i++) p.account.iam.users[`u${i}`] = { userName: `u${i}`, userId: `AIDA${i}`, arn: 'a', path: '/', createDate: 'd', tags: [], inlinePolicies: {}, attachedPolicies: [] };
    p.flush();
    p.account.iam.users.u7.tags.push({ Key: 'team', Value: 'x' });
    p.flush();
    const last = p.journal[p.journal.length - 1];
    expect(last.length).toBeLessThan(200);
    expect(p.replayed()).toEqual(clone(p.raw));
  });

  it('notes changes made to an object after it was inserted, through the reference the handler kept', () => {
    const p = pair();
    const user = { userName: 'bob', userId: 'AIDA1', arn: 'a', path: '/', createDate: 'd', tags: [] as Array<{ Key: string; Value: string }>, inlinePolicies: {}, attachedPolicies: [] as string[] };
    p.account.iam.users.bob = user;
    user.tags.push({ Key: 'k', Value: 'v' });
    user.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
    p.flush();
    expect(p.replayed()).toEqual(clone(p.raw));
    expect(untracked(p.account.iam.users.bob)).toBe(user);
  });

  it('follows an object moved to another key (a rename), and names that are prototype keys', () => {
    const p = pair();
    for (const name of ['__proto__', 'constructor', 'bob']) {
      p.account.iam.users[name] = { userName: name, userId: 'x', arn: 'a', path: '/', createDate: 'd', tags: [], inlinePolicies: {}, attachedPolicies: [] };
    }
    p.flush();
    const bob = p.account.iam.users.bob;
    p.account.iam.users.robert = bob;
    delete p.account.iam.users.bob;
    bob.userName = 'robert';
    p.account.iam.users.robert.path = '/moved/';
    p.flush();
    expect(Object.keys(p.replayed() as object)).toContain('iam');
    expect(p.replayed()).toEqual(clone(p.raw));
    expect(Object.keys((p.replayed() as AccountState).iam.users).sort()).toEqual(['__proto__', 'constructor', 'robert']);
  });

  it('writes a growing array as splices, not whole', () => {
    const p = pair();
    const trail = (p.account as unknown as { cloudtrail: { events: unknown[] } });
    trail.cloudtrail = { events: [] };
    for (let i = 0; i < 300; i++) trail.cloudtrail.events.push({ n: i, body: 'x'.repeat(100) });
    p.flush();
    trail.cloudtrail.events.splice(0, 1);
    trail.cloudtrail.events.push({ n: 300, body: 'y' });
    p.flush();
    expect(p.journal[p.journal.length - 1].length).toBeLessThan(200);
    expect(p.replayed()).toEqual(clone(p.raw));
  });

  it('replays to the state in memory after any mix of edits (seeded random edits, many flushes)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = rng(seed);
      const p = pair();
      const names = ['a', 'b', 'c', '__proto__', 'constructor', 'toString'];
      const iam = p.account.iam;
      for (let step = 0; step < 400; step++) {
        const name = r.pick(names);
        const existing = iam.users[name];
        switch (r.int(12)) {
          case 0:
            iam.users[name] = { userName: name, userId: String(step), arn: 'a', path: '/', createDate: 'd', tags: [], inlinePolicies: {}, attachedPolicies: [] };
            break;
          case 1:
            delete iam.users[name];
            break;
          case 2:
            existing?.tags.push({ Key: `k${step}`, Value: 'v' });
            break;
          case 3:
            existing?.tags.splice(r.int(3), r.int(2), { Key: 'ins', Value: String(step) });
            break;
          case 4:
            if (existing?.tags.length) existing.tags[r.int(existing.tags.length)].Value = `changed${step}`;
            break;
          case 5:
            if (existing) existing.inlinePolicies[r.pick(names)] = { name: 'p', document: `{"s":${step}}` };
            break;
          case 6:
            if (existing) delete existing.inlinePolicies[r.pick(names)];
            break;
          case 7:
            existing?.tags.sort((x, y) => (x.Value < y.Value ? 1 : -1));
            break;
          case 8:
            if (existing && r.chance(0.5)) existing.permissionsBoundary = `arn:${step}`;
            else if (existing) delete existing.permissionsBoundary;
            break;
          case 9: {
            const other = r.pick(names);
            if (existing && other !== name) {
              iam.users[other] = existing;
              delete iam.users[name];
              existing.userName = other;
            }
            break;
          }
          case 10:
            iam.accountAliases.splice(0, iam.accountAliases.length, `alias${step}`);
            break;
          default:
            existing?.tags.pop();
        }
        if (r.chance(0.3)) p.flush();
      }
      p.flush();
      expect(p.replayed(), `seed ${seed}`).toEqual(clone(p.raw));
    }
  });

  it('CloudTrail history at its cap: the oldest reads go first, and each call journals only its splices', () => {
    const p = pair();
    const events = cloudTrailState(p.account).events;
    const start = Date.parse('2026-01-01T00:00:00Z');
    const event = (i: number, readOnly: boolean): TrailEvent =>
      ({ eventTime: new Date(start + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), eventName: readOnly ? 'GetUser' : 'CreateUser', readOnly, eventID: `e${i}` }) as TrailEvent;
    const now = start + 10 * 86_400_000;
    // a history of writes with two reads in it, then writes past the cap
    for (let i = 0; i < MAX_EVENTS_PER_ACCOUNT; i++) addEvent(events, event(i, i === 10 || i === 500), now);
    p.flush();
    for (let i = MAX_EVENTS_PER_ACCOUNT; i < MAX_EVENTS_PER_ACCOUNT + 3; i++) {
      addEvent(events, event(i, false), now);
      p.flush();
      expect(p.journal[p.journal.length - 1].length).toBeLessThan(600);
    }
    const ids = untracked(events).map((e) => e.eventID);
    expect(ids).toHaveLength(MAX_EVENTS_PER_ACCOUNT);
    // the two reads went first, then the oldest write
    expect(ids.slice(0, 3)).toEqual(['e1', 'e2', 'e3']);
    expect(ids).not.toContain('e10');
    expect(ids).not.toContain('e500');
    expect(ids[ids.length - 1]).toBe(`e${MAX_EVENTS_PER_ACCOUNT + 2}`);
    expect(p.replayed()).toEqual(clone(p.raw));
  });
});

describe('journal records', () => {
  const rec = (n: number) => encodeRecord([['s', ID, ['iam', 'users', `u${n}`], { n }]]);

  it('ignores a torn tail: an unfinished last line, or garbage after the last sound record', () => {
    const text = rec(1) + rec(2);
    const torn = readJournalText(text + rec(3).slice(0, 20));
    expect(torn.soundBytes).toBe(Buffer.byteLength(text));
    expect(torn.tornBytes).toBe(20);
    expect(torn.corruptLine).toBeUndefined();
    expect(readJournalText(text + '\0\0\0\0\n\0\0').records).toHaveLength(2);
    expect(readJournalText(text + rec(3).replace('"n":3', '"n":4')).tornBytes).toBeGreaterThan(0);
  });

  it('finds a corrupt record followed by sound ones', () => {
    const bad = rec(2).replace('"n":2', '"n":9');
    const read = readJournalText(rec(1) + bad + rec(3));
    expect(read.corruptLine).toBe(2);
    expect(read.records).toHaveLength(1);
  });
});
