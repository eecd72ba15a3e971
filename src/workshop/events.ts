/**
 * The dashboards' live feed (server-sent events). Changes are gathered and sent at most once a
 * second as one `learners` event holding every learner whose view changed, so a class of
 * thousands reporting every few seconds costs each dashboard one message a second, not one per
 * report. A `summary` event (the per-step counts, computed once for every dashboard) follows
 * each batch, and comes every few seconds anyway, since "stuck" changes as time passes.
 *
 * Every change gets a sequence number, and each `learners` batch carries the latest as its event
 * id. A dashboard loads the whole class once (/_workshop/api/class, which says the sequence
 * number it reflects) and follows from there (`?since=N`); after a dropped connection its
 * browser sends the last id it saw (Last-Event-ID), so it gets what it missed and nothing more.
 * A stream opened without either gets changes from then on: a dashboard that connects to a class
 * of thousands is never sent every learner again, which held the event loop that answers their
 * reports for tens of milliseconds.
 */
import type http from 'node:http';

export const FLUSH_MS = 1000;
const SUMMARY_MS = 5000;
const PING_MS = 15_000;

export class ClassEvents {
  private readonly streams = new Set<http.ServerResponse>();
  private readonly dirty = new Set<string>();
  /** learner id → the sequence number of their latest change, oldest first */
  private readonly changes = new Map<string, number>();
  /**
   * Numbers start at this server's start time in microseconds, so a restarted server's are above
   * any the previous run gave out; a dashboard that followed the previous run gets everyone.
   */
  private readonly firstSeq = Date.now() * 1000;
  private lastSeq = this.firstSeq;
  private timer: NodeJS.Timeout | undefined;
  private readonly ping: NodeJS.Timeout;
  private readonly tick: NodeJS.Timeout;

  constructor(
    /** the public view of a learner, by id (undefined when gone) */
    private readonly view: (id: string) => unknown,
    private readonly summary: () => unknown,
    /** every learner's id */
    private readonly everyone: () => Iterable<string>,
  ) {
    this.ping = setInterval(() => this.write(`: ping\n\n`), PING_MS);
    this.ping.unref();
    this.tick = setInterval(() => this.changed(), SUMMARY_MS);
    this.tick.unref();
  }

  get listeners(): number {
    return this.streams.size;
  }

  /** the sequence number of the latest change (what a class view taken now reflects) */
  get seq(): number {
    return this.lastSeq;
  }

  /** Follow from change `since` on (undefined: from now on). */
  follow(req: http.IncomingMessage, res: http.ServerResponse, since?: number): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`event: hello\ndata: {}\n\n`);
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
    if (since !== undefined && since < this.lastSeq) {
      if (since < this.firstSeq) for (const id of this.everyone()) this.dirty.add(id);
      else for (const [id, seq] of this.changes) if (seq > since) this.dirty.add(id);
    }
    // The numbers changed with this dashboard ("N dashboards open", which the class view it loaded
    // was taken without): the next flush, within a second, sends them, not the 5-second tick.
    this.changed();
  }

  /** A learner's view changed (or, without an id, only the summary). */
  changed(id?: string): void {
    if (id) {
      // Re-inserted, so the map stays in order of change.
      this.changes.delete(id);
      this.changes.set(id, ++this.lastSeq);
      // With nobody following, a dashboard that comes loads the class and asks for what follows.
      if (this.streams.size) this.dirty.add(id);
    }
    if (this.timer || !this.streams.size) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Send the gathered changes and the server's numbers now. */
  flush(): void {
    this.timer = undefined;
    if (!this.streams.size) {
      this.dirty.clear();
      return;
    }
    const learners = [...this.dirty].map((id) => this.view(id)).filter(Boolean);
    this.dirty.clear();
    if (learners.length) this.write(`event: learners\nid: ${this.lastSeq}\ndata: ${JSON.stringify(learners)}\n\n`);
    this.write(`event: summary\ndata: ${JSON.stringify(this.summary())}\n\n`);
  }

  private write(chunk: string): void {
    for (const s of this.streams) s.write(chunk);
  }

  close(): void {
    clearInterval(this.ping);
    clearInterval(this.tick);
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}

/** Where a dashboard's stream starts: the browser's Last-Event-ID after a reconnect, else `?since=`. */
export function followFrom(headers: http.IncomingHttpHeaders, rawQuery: string): number | undefined {
  const raw = headers['last-event-id'] ?? new URLSearchParams(rawQuery).get('since') ?? undefined;
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : undefined;
  return n;
}
