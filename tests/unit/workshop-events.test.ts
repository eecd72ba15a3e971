/**
 * The dashboards' live feed: a dashboard that starts following gets the server's numbers within a
 * flush (about a second), so "N dashboards open" counts it at once rather than after the
 * five-second tick; and a batch sends only learners changed since the point it follows from.
 */
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ClassEvents, FLUSH_MS } from '../../src/workshop/events.js';

function stream(): { req: http.IncomingMessage; res: http.ServerResponse; text: () => string } {
  let text = '';
  const res = { writeHead: () => res, write: (c: string) => ((text += c), true), end: () => undefined } as unknown as http.ServerResponse;
  return { req: new EventEmitter() as http.IncomingMessage, res, text: () => text };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ClassEvents', () => {
  let events: ClassEvents | undefined;
  afterEach(() => events?.close());

  it('sends the numbers, counting the new dashboard, within a flush of it following', async () => {
    const views = new Map([['a', { id: 'a' }]]);
    const e: ClassEvents = (events = new ClassEvents((id) => views.get(id), (): unknown => ({ dashboards: e.listeners }), () => views.keys()));
    const first = stream();
    e.follow(first.req, first.res, undefined);
    await wait(FLUSH_MS + 200);
    expect(first.text()).toContain('event: summary\ndata: {"dashboards":1}');
    expect(first.text()).not.toContain('event: learners');

    const second = stream();
    e.follow(second.req, second.res, e.seq);
    await wait(FLUSH_MS + 200);
    expect(second.text()).toContain('event: summary\ndata: {"dashboards":2}');
    expect(first.text()).toContain('event: summary\ndata: {"dashboards":2}');
  });

  it('a dashboard following from an older point gets the learners changed since, once', async () => {
    const views = new Map([
      ['a', { id: 'a' }],
      ['b', { id: 'b' }],
    ]);
    const e = (events = new ClassEvents((id) => views.get(id), () => ({}), () => views.keys()));
    e.changed('a');
    const since = e.seq;
    e.changed('b');
    const s = stream();
    e.follow(s.req, s.res, since);
    await wait(FLUSH_MS + 200);
    expect(s.text()).toContain('event: learners');
    expect(s.text()).toContain('[{"id":"b"}]');
  });
});
