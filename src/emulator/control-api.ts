/**
 * The runner's control API (like moto's /moto-api/reset): reset the emulator or one account,
 * read its recent authorization decisions for `iam-labs why --last`, find an instance's metadata
 * service, say whether an account exists and wait for an account's changes (change-feed.ts), when
 * the emulator runs in another process. `health` also tells the emulator's instance id. Every route but health needs the session's
 * control token in a header. The runner makes it and hands it to the emulator process it spawns
 * in that process's environment (IAM_LABS_CONTROL_TOKEN, readable by the learner's account
 * only), or reads it from an emulator it runs itself; any other emulator makes a random one. A
 * web page cannot learn it, so it cannot wipe the lab. Loopback callers only, and off on a shared
 * server (the workshop holds many learners' accounts).
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { browserRequestReason } from './auth/browser.js';
import { MAX_WAIT_MS } from './change-feed.js';
import { CONTROL_PREFIX, CONTROL_TOKEN_HEADER } from './control-token.js';
import type { Emulator } from './types.js';

export { CONTROL_PREFIX, CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER, newControlToken } from './control-token.js';

/** Whether a request carries this emulator's control token (compared in constant time). */
export function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export interface ControlRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  remoteAddress: string;
}

export function controlRequest(emulator: Emulator, req: ControlRequest, res: http.ServerResponse): void {
  const reply = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const loopback = req.remoteAddress === '::1' || req.remoteAddress.startsWith('127.');
  if (!loopback) return reply(403, { error: 'the control API answers loopback callers only' });
  if (emulator.config.rootSecret) return reply(404, { error: 'the control API is off on a shared server' });
  const browser = browserRequestReason(req.headers);
  if (browser) return reply(403, { error: `the control API refuses requests made by a web page (${browser})` });
  const what = req.rawPath.slice(CONTROL_PREFIX.length);
  // the instance id is no secret: a lab shell's aws wrapper checks it before each call
  if (what === 'health' && req.method === 'GET') return reply(200, { status: 'ok', service: 'iam-labs-emulator', instanceId: emulator.instanceId, pid: process.pid });
  if (!tokenMatches(req.headers[CONTROL_TOKEN_HEADER], emulator.controlToken)) {
    return reply(403, { error: `the control API needs this session's token in the ${CONTROL_TOKEN_HEADER} header` });
  }
  if (what === 'decisions' && req.method === 'GET') {
    // `iam-labs why --last`: the emulator's recent authorization decisions, newest first.
    const q = new URLSearchParams(req.rawQuery);
    const limit = Math.min(Math.max(Number(q.get('limit') ?? 20) || 20, 1), 200);
    return reply(200, {
      decisions: emulator.decisions.recent({ accountId: q.get('account') ?? undefined, deniedOnly: q.get('denied') === '1', limit }),
    });
  }
  if (what === 'reset' && req.method === 'POST') {
    // one account (a lab's, when each lab has its own), or every account
    const account = new URLSearchParams(req.rawQuery).get('account') ?? undefined;
    if (account !== undefined && !/^\d{12}$/.test(account)) return reply(400, { error: 'account must be a 12-digit account id' });
    emulator.state.reset(account).then(
      () => reply(200, { status: 'reset', ...(account ? { account } : {}) }),
      (e: unknown) => reply(500, { error: `the reset could not be written: ${(e as Error).message}` }),
    );
    return;
  }
  if (what.startsWith('accounts/') && req.method === 'GET') {
    // whether an account exists here (a lab's account survives a restart only with a state file)
    const id = what.slice('accounts/'.length);
    if (!/^\d{12}$/.test(id)) return reply(400, { error: 'not a 12-digit account id' });
    return reply(200, { accountId: id, exists: emulator.state.accounts.has(id), instanceId: emulator.instanceId });
  }
  if (what === 'changes' && req.method === 'GET') {
    // the live screen of a detached lab: wait until the lab's account changes (long poll)
    const q = new URLSearchParams(req.rawQuery);
    const account = q.get('account') ?? '';
    if (!/^\d{12}$/.test(account)) return reply(400, { error: 'account must be a 12-digit account id' });
    const after = Number(q.get('after') ?? -1);
    const wait = Math.max(0, Math.min(Number(q.get('wait') ?? 0) || 0, MAX_WAIT_MS));
    emulator.changes.wait(account, Number.isFinite(after) ? after : -1, wait).then(
      (a) => reply(200, { instanceId: emulator.instanceId, ...a }),
      () => reply(500, { error: 'the change feed failed' }),
    );
    return;
  }
  if (what.startsWith('imds/') && req.method === 'GET') {
    // `iam-labs instance-shell`: the metadata service address of an instance (docs/backends.md)
    const account = new URLSearchParams(req.rawQuery).get('account') ?? undefined;
    // loaded on first use: the runner imports this module for its names, and must not load the
    // metadata service (and EC2, CloudTrail behind it) to check a lab
    import('./imds/index.js').then((m) => m.imdsControl(emulator, what.slice('imds/'.length), account)).then(
      (r) => reply(r.status, r.body),
      () => reply(500, { error: 'the metadata service could not be started' }),
    );
    return;
  }
  reply(404, { error: `unknown control request ${req.method} ${req.rawPath.slice(0, 100)}` });
}
