/**
 * Token buckets, as AWS throttles its APIs: each key (a client address, a learner) may spend a
 * burst at once, then `ratePerSecond`; one more bucket bounds everyone together. The map of keys
 * is bounded (the least recently seen are forgotten first), so a flood of addresses cannot
 * grow it.
 */
import { WorkshopError } from './errors.js';

export interface BucketSpec {
  burst: number;
  ratePerSecond: number;
}

class Bucket {
  tokens: number;
  at: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.at = now;
  }

  refill(now: number): void {
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.at) / 1000) * this.spec.ratePerSecond);
    this.at = now;
  }

  /** seconds until one token is back (0 when one is there) */
  wait(): number {
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.spec.ratePerSecond;
  }
}

export class Throttle {
  private readonly perKey = new Map<string, Bucket>();
  private readonly global: Bucket;

  constructor(
    private readonly each: BucketSpec,
    everyone: BucketSpec,
    private readonly maxKeys = 10_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.global = new Bucket(everyone, clock());
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.perKey.get(key);
    if (b) {
      this.perKey.delete(key); // re-insert: the map's order is least recently seen first
    } else {
      b = new Bucket(this.each, now);
      if (this.perKey.size >= this.maxKeys) this.perKey.delete(this.perKey.keys().next().value as string);
    }
    this.perKey.set(key, b);
    b.refill(now);
    return b;
  }

  /** Seconds to wait before `key` may go on (0: it may now). Spends nothing. */
  waitFor(key: string): number {
    const now = this.clock();
    this.global.refill(now);
    return Math.max(this.bucket(key, now).wait(), this.global.wait());
  }

  /** Spend one token of `key` and of everyone (after a request that counts). */
  spend(key: string): void {
    const now = this.clock();
    this.global.refill(now);
    this.global.tokens = Math.max(this.global.tokens - 1, -this.global.spec.burst);
    const b = this.bucket(key, now);
    b.tokens = Math.max(b.tokens - 1, -b.spec.burst);
  }

  /** Throw AWS's 429 when `key` must wait; `what` says what is throttled, for the message. */
  check(key: string, what: string): void {
    const wait = this.waitFor(key);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait));
      throw new WorkshopError(`Rate exceeded: too many ${what}. Try again in ${seconds} s.`, 429, 'ThrottlingException', seconds);
    }
  }
}
