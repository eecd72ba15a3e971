/** Runs the conformance script against one backend and returns one normalized result per step. */
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { normalizeError, normalizeOutput, type Normalized } from './normalize.js';
import { commandFor, STEPS, type Creds, type Step, type Vars } from './script.js';

export interface StepResult {
  step: Step;
  result: Normalized;
  /** the raw error name/message when the call failed (for the report) */
  raw?: string;
}

const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function runScript(endpoint: string, steps: Step[] = STEPS): Promise<StepResult[]> {
  // (S3 steps need path-style addressing on a loopback endpoint.)
  const vars: Vars = {};
  const cache = new Map<string, { iam: IAMClient; sts: STSClient; s3: S3Client }>();
  const clientsFor = (creds: Creds) => {
    const key = `${creds.accessKeyId}:${creds.sessionToken ?? ''}`;
    let c = cache.get(key);
    if (!c) {
      // one attempt: a retried 5xx could change moto's state and hide a difference
      const common = { endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 };
      c = { iam: new IAMClient(common), sts: new STSClient(common), s3: new S3Client({ ...common, forcePathStyle: true }) };
      cache.set(key, c);
    }
    return c;
  };
  const results: StepResult[] = [];
  for (const step of steps) {
    let result: Normalized;
    let raw: string | undefined;
    try {
      const creds = step.as ? step.as(vars) : ROOT;
      if (!creds) throw new Error(`step ${step.id}: no credentials saved (an earlier step failed)`);
      const Command = commandFor(step.service, step.op);
      const client = clientsFor(creds)[step.service];
      const out = await (client as { send(c: unknown): Promise<unknown> }).send(new Command(step.input(vars)));
      step.save?.(out, vars);
      result = normalizeOutput(step.pick ? await step.pick(out) : out);
    } catch (e) {
      result = normalizeError(e);
      raw = `${(e as Error).name}: ${(e as Error).message}`;
    }
    results.push({ step, result, raw });
  }
  for (const c of cache.values()) {
    c.iam.destroy();
    c.sts.destroy();
    c.s3.destroy();
  }
  return results;
}
