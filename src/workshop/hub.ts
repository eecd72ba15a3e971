/**
 * Several shared servers, one dashboard. A class too large for one machine's shared server runs
 * several (`workshop serve --hub <url> --hub-code <code> --server-name "Room B"`), and one
 * report-only server as the hub. When a learner joins a room's server, that server registers
 * them at the hub (a report-only join under the same name, so names stay unique across the
 * class) and hands the learner the hub's token with their account: the learner's runner then
 * reports to the hub, whose dashboard shows every room.
 */
import { WorkshopError } from './errors.js';
import { postJson, WorkshopUnreachableError } from './client.js';

export interface HubOptions {
  base: string;
  code: string;
  /** how this server is named on the hub's dashboard */
  serverName: string;
}

export class HubLink {
  constructor(readonly opts: HubOptions) {}

  /** Register a new learner at the hub; their report target (base and token, and who they are there: the hub countersigns). */
  async register(name: string): Promise<{ base: string; token: string; learnerId?: string }> {
    let res;
    try {
      res = await postJson(`${this.opts.base}/_workshop/api/join`, { name, code: this.opts.code, mode: 'report-only', server: this.opts.serverName });
    } catch (e) {
      if (e instanceof WorkshopUnreachableError) throw new WorkshopError(`The class dashboard at ${this.opts.base} does not answer, so nobody can join right now. Tell your instructor.`, 502, 'HubUnavailable');
      throw e;
    }
    if (res.status === 200 && typeof res.body.token === 'string') {
      return { base: this.opts.base, token: res.body.token, ...(typeof res.body.learnerId === 'string' ? { learnerId: res.body.learnerId } : {}) };
    }
    const why = String(res.body.error ?? `HTTP ${res.status}`);
    if (res.status === 409 || res.status === 400) throw new WorkshopError(why, res.status, String(res.body.code ?? 'Conflict'));
    if (res.status === 429) throw new WorkshopError(why, 429, 'ThrottlingException', res.retryAfter ?? 1);
    throw new WorkshopError(`The class dashboard at ${this.opts.base} refused this learner: ${why}`, 502, 'HubRefused');
  }
}
