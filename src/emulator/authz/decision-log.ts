/**
 * The emulator's memory of its recent authorization decisions, so `iam-labs why --last` can
 * explain the last AccessDenied a learner saw.
 */
export interface DecisionRecord {
  at: string;
  accountId: string;
  principal: string;
  action: string;
  resource: string;
  decision: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  /** Plain-words reason: the deciding statement, or the element that did not match. */
  reason: string;
  /** The AccessDenied message returned to the client, for denials. */
  message?: string;
  requestId: string;
}

export class DecisionLog {
  private readonly records: DecisionRecord[] = [];
  constructor(private readonly capacity = 200) {}

  add(r: DecisionRecord): void {
    this.records.push(r);
    if (this.records.length > this.capacity) this.records.shift();
  }

  /** Newest first, optionally only one account's, optionally only denials. */
  recent(opts: { accountId?: string; deniedOnly?: boolean; limit?: number } = {}): DecisionRecord[] {
    const out: DecisionRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && out.length < (opts.limit ?? 50); i--) {
      const r = this.records[i];
      if (opts.accountId && r.accountId !== opts.accountId) continue;
      if (opts.deniedOnly && r.decision === 'Allowed') continue;
      out.push(r);
    }
    return out;
  }
}
