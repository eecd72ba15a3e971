/**
 * Which account a lab runs in. On a backend that makes accounts (the embedded emulator,
 * LocalStack: a 12-digit access key id is the root of that account), each seed of a lab gets an
 * account of its own: `1`, the lab's two-digit number, then the seed's generation in nine digits.
 * Lab 03's first account is 103000000001; after a reset it is 103000000002. So opening lab 03
 * never touches lab 01's account, a reset starts from an account nobody used, and the id says
 * which lab it belongs to. Graders never assume an id: they read it from the backend.
 */
import type { Lab } from '../core/course.js';

export function labAccountId(lab: Pick<Lab, 'number'>, generation: number): string {
  const n = Number(lab.number);
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new Error(`lab number ${lab.number} does not fit the account scheme (00–99)`);
  if (!Number.isInteger(generation) || generation < 1 || generation > 999_999_999) throw new Error(`seed generation ${generation} out of range`);
  return `1${String(n).padStart(2, '0')}${String(generation).padStart(9, '0')}`;
}
