/**
 * Drift guard: every IAM and STS operation of botocore's current service models (the installed
 * AWS CLI's botocore; without it, the operations of the installed @aws-sdk/client-iam and
 * client-sts) must be answered by the emulator. A botocore or SDK upgrade that adds an operation
 * fails here until the emulator implements it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';

const KNOWN_BOTOCORE = '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore';

/** botocore's package folder: the python3 on PATH that has it, else the path this machine installs it at. */
function botocoreDir(): string | undefined {
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dir && fs.existsSync(dir)) return dir;
  } catch {
    // no python3 or no botocore there
  }
  return fs.existsSync(KNOWN_BOTOCORE) ? KNOWN_BOTOCORE : undefined;
}

function botocoreOperations(service: string, version: string): string[] | undefined {
  const dir = botocoreDir();
  if (!dir) return undefined;
  const base = path.join(dir, 'data', service, version, 'service-2.json');
  const text = fs.existsSync(base) ? fs.readFileSync(base, 'utf8') : fs.existsSync(`${base}.gz`) ? zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString('utf8') : undefined;
  return text ? Object.keys((JSON.parse(text) as { operations: Record<string, unknown> }).operations) : undefined;
}

function sdkOperations(mod: Record<string, unknown>): string[] {
  return Object.keys(mod)
    .filter((k) => k.endsWith('Command') && k !== 'Command' && k !== '$Command' && typeof mod[k] === 'function')
    .map((k) => k.slice(0, -'Command'.length));
}

describe.each([
  { service: 'iam', version: '2010-05-08', table: iamOperations, sdk: IAM as Record<string, unknown> },
  { service: 'sts', version: '2011-06-15', table: stsOperations, sdk: STS as Record<string, unknown> },
])('$service operations', ({ service, version, table, sdk }) => {
  const fromBotocore = botocoreOperations(service, version);
  const source = fromBotocore ? 'botocore' : '@aws-sdk';
  const operations = fromBotocore ?? sdkOperations(sdk);

  it(`the ${source} model lists a plausible number of operations`, () => {
    expect(operations.length).toBeGreaterThan(service === 'iam' ? 150 : 8);
  });

  it(`the emulator answers every operation of the ${source} model`, () => {
    const missing = operations.filter((op) => !Object.hasOwn(table, op)).sort();
    expect(missing, `${service} operations the emulator does not answer`).toEqual([]);
  });

  it('the emulator answers every operation of the installed SDK client too', () => {
    const missing = sdkOperations(sdk).filter((op) => !Object.hasOwn(table, op)).sort();
    expect(missing).toEqual([]);
  });
});
