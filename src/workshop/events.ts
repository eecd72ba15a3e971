/**
 * The dashboards' live feed (server-sent events). Changes are gathered and sent at most once a
 * second as one `learners` event holding every learner whose view changed, so a class of
 * thousands reporting every few seconds costs each dashboard one message a second, not one per
 * report. A `summary` event (the per-step counts, computed once for every dashboard) follows
 * each batch, and comes every few seconds anyway, since "stuck" changes as time passes.
 */
import type http from 'node:http';

export const FLUSH_MS = 1000;
const SUMMARY_MS = 5000;
const PING_MS = 15_000;

export class ClassEvents {
  private readonly streams = new Set<http.ServerResponse>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ping: NodeJS.Timeout;
  private readonly tick: NodeJS.Timeout;

  constructor(
    /** the public view of a learner, by id (undefined when gone) */
    private readonly view: (id: string) => unknown,
    private readonly summary: () => unknown,
  ) {
    this.ping = setInterval(() => this.write(`: ping\n\n`), PING_MS);
    this.ping.unref();
    this.tick = setInterval(() => this.changed(), SUMMARY_MS);
    this.tick.unref();
  }

  get listeners(): number {
    return this.streams.size;
  }

  follow(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`event: hello\ndata: {}\n\n`);
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  /** A learner's view changed (or, without an id, only the summary). */
  changed(id?: string): void {
    if (id) this.dirty.add(id);
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
    if (learners.length) this.write(`event: learners\ndata: ${JSON.stringify(learners)}\n\n`);
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
