/**
 * Conformance: the scripted IAM/STS sequence (script.ts) against the embedded emulator and
 * moto_server, compared step by step after normalization (suite.ts). A difference passes only
 * when known-differences.ts lists it with the AWS documentation that decides it.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_DIFFERENCES } from './known-differences.js';
import { S3_STEPS } from './s3-script.js';
import { REQUIRED_OPERATIONS, STEPS } from './script.js';
import { conformanceSuite } from './suite.js';

describe('conformance script', () => {
  it('has at least 80 calls and covers every IAM and STS operation of issue 2', () => {
    expect(STEPS.length).toBeGreaterThanOrEqual(80);
    const ids = [...STEPS, ...S3_STEPS].map((s) => s.id);
    expect(new Set(ids).size, 'step ids are unique').toBe(ids.length);
    for (const service of ['iam', 'sts'] as const) {
      const covered = new Set(STEPS.filter((s) => s.service === service).map((s) => s.op));
      expect(REQUIRED_OPERATIONS[service].filter((op) => !covered.has(op)), `${service} operations missing from the script`).toEqual([]);
    }
  });

  it('lists every known difference against a real step, with the AWS documentation', () => {
    const ids = new Set([...STEPS, ...S3_STEPS].map((s) => s.id));
    expect(KNOWN_DIFFERENCES.filter((d) => !ids.has(d.step)).map((d) => d.step)).toEqual([]);
    for (const d of KNOWN_DIFFERENCES) expect(d.doc, d.step).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

conformanceSuite('IAM/STS conformance', STEPS);
