/**
 * The attack suite's common ground: a seeded random generator (a failure names its seed, so it
 * can be replayed), requests that must be answered within a deadline and never with a 5xx, and
 * the hostile strings every generator draws from.
 */
import { expect } from 'vitest';

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

/** The seed of this run: fixed in CI for replayable failures, overridable to explore. */
export const SEED = Number(process.env.IAM_LABS_ATTACK_SEED ?? 20261201);

/** Names and values that broke servers before: prototype keys, wildcards, encodings, sizes. */
export const HOSTILE_STRINGS = [
  '__proto__', 'constructor', 'Constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  '', ' ', '*', '?', '**', '*a*a*a*a*a*a*b', '${aws:username}', '${*}', '$', '{', '}', '%', '%00', '%zz', '&', '=', '&amp;',
  '<', '>', '<![CDATA[', ']]>', '<!DOCTYPE x>', '&#x110000;', '\u0000', '\r\n', '\u2028', '😀', 'é', 'ﬁ', 'İ',
  '..', '../', '/', '//', ':', '::::::', 'arn:aws:s3:::*', 'a'.repeat(300), 'a'.repeat(2000), '0'.repeat(12), '-1', '1e309', 'NaN', 'null', 'true',
];

export interface Answer {
  status: number;
  text: string;
}

/**
 * A request that must be answered within `deadlineMs`, never with 5xx (the suite's two failures).
 * The one 5xx that is an answer by design: S3's 501 NotImplemented for what is not emulated.
 */
export async function mustAnswer(what: string, send: (signal: AbortSignal) => Promise<Response>, deadlineMs = 10_000): Promise<Answer> {
  let res: Response;
  try {
    res = await send(AbortSignal.timeout(deadlineMs));
  } catch (e) {
    throw new Error(`${what}: no answer within ${deadlineMs} ms (${(e as Error).message})`);
  }
  const text = await res.text();
  // (A HEAD answer has no body to show the code; 501 is only ever NotImplemented here.)
  const designed = res.status === 501 && (text === '' || text.includes('<Code>NotImplemented</Code>'));
  if (!designed) expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  return { status: res.status, text };
}

/** Run `tasks` with at most `width` in flight. */
export async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}
