/**
 * The comparison harness shared by the conformance suites: run a script against the embedded
 * emulator and moto_server, then one test per step comparing the normalized results. A step may
 * differ only as known-differences.ts allows (and must match what it pins for the emulator).
 * Without moto_server the suite is SKIPPED, loudly, and its tests are reported as skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { s3Operations } from '../../src/emulator/s3/operations.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { motoAvailable, motoSkippedBanner, startMoto, type MotoServer } from '../helpers/moto.js';
import { GLOBAL_DIFFERENCES, KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.js';
import { diffPaths } from './normalize.js';
import { runScript, type StepResult } from './run-script.js';
import type { Service, Step } from './script.js';

const implemented = (service: Service, op: string) =>
  Object.hasOwn(service === 'iam' ? iamOperations : service === 'sts' ? stsOperations : s3Operations, op);

export function conformanceSuite(title: string, steps: Step[]): void {
  const moto = motoAvailable();
  if (!moto.available) process.stderr.write(motoSkippedBanner(title, moto.reason ?? 'unavailable'));

  describe.skipIf(!moto.available)(`${title}: embedded emulator vs moto_server ${moto.version ?? ''}`, () => {
    let emulatorResults: StepResult[] = [];
    let motoResults: StepResult[] = [];
    let server: MotoServer | undefined;

    beforeAll(async () => {
      const emulator = await startTestEmulator();
      try {
        server = await startMoto();
        // One backend after the other: both start from an empty account.
        emulatorResults = await runScript(emulator.endpoint, steps);
        motoResults = await runScript(server.endpoint, steps);
      } finally {
        await emulator.close();
      }
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
    });

    steps.forEach((step, i) => {
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
        expect(
          unexplained.map((d) => `${d.path || '<result>'}: emulator ${JSON.stringify(d.a)} / moto ${JSON.stringify(d.b)}`),
          explain(emulatorResults[i], motoResults[i]),
        ).toEqual([]);
      });
    });
  });
}

function covers(known: KnownDifference, path: string): boolean {
  if (!known.fields) return true;
  return known.fields.some((f) => path === f || path.startsWith(`${f}.`));
}

function explain(emu: StepResult | undefined, mot: StepResult | undefined): string {
  return [
    'Unexplained difference from moto. Fix the emulator if it is wrong, or add the step to tests/conformance/known-differences.ts',
    'with the AWS documentation that decides it (then regenerate docs/emulator-coverage.md).',
    `emulator: ${JSON.stringify(emu?.result)}`,
    `moto:     ${JSON.stringify(mot?.result)}`,
  ].join('\n');
}
