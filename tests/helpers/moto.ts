/**
 * moto_server as a comparison backend for the conformance suite and the benchmark, started by
 * the one moto launcher the CLI uses (src/backends/moto.ts, as a private backend): a free
 * loopback port, the AWS managed policies loaded, ready when it answers HTTP. Only what the
 * comparison needs on top is here: moto acting in the emulator's default account, and its IAM
 * backend warmed so the first scripted or timed call does not pay for loading it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { motoServerPath, startMoto as startMotoBackend } from '../../src/backends/moto.js';

export interface MotoServer {
  endpoint: string;
  /** account moto acts in: the emulator's default, so ARNs compare without masking */
  accountId: string;
  /** the moto_server process */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface MotoAvailability {
  available: boolean;
  /** why not, in words a reader of the test log can act on */
  reason?: string;
  /** moto's version, for suite titles and benchmark notes */
  version?: string;
}

let cached: MotoAvailability | undefined;

/** Whether `moto_server` is installed here (the launcher's own lookup). Cached for the process. */
export function motoAvailable(): MotoAvailability {
  if (cached) return cached;
  if (!motoServerPath()) {
    cached = { available: false, reason: "moto_server is not installed (not found on PATH); install it with: pip install 'moto[server]'" };
  } else {
    const v = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8', timeout: 30_000 });
    cached = { available: true, version: v.status === 0 ? v.stdout.trim() : undefined };
  }
  return cached;
}

/** Start moto_server on 127.0.0.1 and wait until it answers. Throws if it is absent or dies. */
export async function startMoto(opts: { accountId?: string } = {}): Promise<MotoServer> {
  const accountId = opts.accountId ?? '000000000000';
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-moto-test-'));
  const handle = await startMotoBackend({
    home,
    detach: false,
    ephemeral: true,
    // The emulator's default account, so both backends produce the same ARNs.
    env: { ...process.env, MOTO_ACCOUNT_ID: accountId },
    log: () => {},
  });
  await warmIam(handle.info.endpoint);
  return {
    endpoint: handle.info.endpoint,
    accountId,
    pid: handle.info.pid,
    stop: async () => {
      await handle.stop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** moto builds its IAM backend (and loads ~1,300 managed policies) on the first IAM call: do that now. */
async function warmIam(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      // moto routes on the SigV4 credential scope and does not verify the signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'Action=ListAccountAliases&Version=2010-05-08',
  });
  await res.arrayBuffer();
}

/** The loud line a suite prints when it cannot compare against moto. */
export function motoSkippedBanner(what: string, reason: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!!! SKIPPED: ${what}: ${reason}\n${line}\n`;
}
