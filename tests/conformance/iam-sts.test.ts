/**
 * Conformance: the scripted IAM/STS sequence (script.ts) against the embedded emulator and
 * moto_server, compared step by step after normalization. A difference passes only when
 * known-differences.ts lists it with the AWS documentation that decides it (and, for most,
 * pins what the emulator answers). Without moto_server the suite is SKIPPED, loudly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { motoAvailable, motoSkippedBanner, startMoto, type MotoServer } from '../helpers/moto.js';
import { GLOBAL_DIFFERENCES, KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.js';
import { diffPaths } from './normalize.js';
import { runScript, type StepResult } from './run-script.js';
import { REQUIRED_OPERATIONS, STEPS } from './script.js';

const implemented = (service: 'iam' | 'sts', op: string) => Object.hasOwn(service === 'iam' ? iamOperations : stsOperations, op);

describe('conformance script', () => {
  it('has at least 80 calls and covers every IAM and STS operation of issue 2', () => {
    expect(STEPS.length).toBeGreaterThanOrEqual(80);
    const ids = STEPS.map((s) => s.id);
    expect(new Set(ids).size, 'step ids are unique').toBe(ids.length);
    for (const service of ['iam', 'sts'] as const) {
      const covered = new Set(STEPS.filter((s) => s.service === service).map((s) => s.op));
      expect(REQUIRED_OPERATIONS[service].filter((op) => !covered.has(op)), `${service} operations missing from the script`).toEqual([]);
    }
  });

  it('lists every known difference against a real step', () => {
    const ids = new Set(STEPS.map((s) => s.id));
    expect(KNOWN_DIFFERENCES.filter((d) => !ids.has(d.step)).map((d) => d.step)).toEqual([]);
    for (const d of KNOWN_DIFFERENCES) expect(d.doc, d.step).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

const moto = motoAvailable();
if (!moto.available) {
  process.stderr.write(motoSkippedBanner('IAM/STS conformance against moto_server', moto.reason ?? 'unavailable'));
}

describe.skipIf(!moto.available)(`IAM/STS conformance: embedded emulator vs moto_server ${moto.version ?? ''}`, () => {
  let emulatorResults: StepResult[] = [];
  let motoResults: StepResult[] = [];
  let server: MotoServer | undefined;

  beforeAll(async () => {
    const emulator = await startTestEmulator();
    try {
      server = await startMoto();
      // One backend after the other: both start from an empty account.
      emulatorResults = await runScript(emulator.endpoint);
      motoResults = await runScript(server.endpoint);
    } finally {
      await emulator.close();
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  STEPS.forEach((step, i) => {
    const name = `${String(i + 1).padStart(3, '0')} ${step.id} (${step.service}:${step.op})`;
    if (!implemented(step.service, step.op)) {
      it.todo(`${name}: NOT IMPLEMENTED in the emulator`);
      return;
    }
    it(name, () => {
      const emu = emulatorResults[i]?.result;
      const mot = motoResults[i]?.result;
      expect(emu, 'the script ran on the emulator').toBeDefined();
      const diffs = diffPaths(emu, mot).filter((d) => !GLOBAL_DIFFERENCES.some((g) => g.matches(d.path, d.a, d.b)));
      const known = KNOWN_DIFFERENCES.find((d) => d.step === step.id);
      if (known?.emulator) expect(emu, `the emulator's answer for ${step.id} (AWS's behaviour, see ${known.doc})`).toMatchObject(known.emulator);
      if (diffs.length === 0) return;
      const unexplained = known ? diffs.filter((d) => !covers(known, d.path)) : diffs;
      expect(unexplained.map((d) => `${d.path || '<result>'}: emulator ${JSON.stringify(d.a)} / moto ${JSON.stringify(d.b)}`), explain(emulatorResults[i], motoResults[i])).toEqual([]);
    });
  });
});

function covers(known: KnownDifference, path: string): boolean {
  if (!known.fields) return true;
  return known.fields.some((f) => path === f || path.startsWith(`${f}.`));
}

function explain(emu: StepResult | undefined, mot: StepResult | undefined): string {
  return [
    'Unexplained difference from moto. Fix the emulator if it is wrong, or add the step to tests/conformance/known-differences.ts',
    'with the AWS documentation that decides it (and describe it in docs/emulator-coverage.md).',
    `emulator: ${JSON.stringify(emu?.result)}`,
    `moto:     ${JSON.stringify(mot?.result)}`,
  ].join('\n');
}
