/**
 * moto_server as a comparison backend for the conformance suite and the benchmark: started on a
 * free loopback port with the AWS managed policies loaded, ready when it answers HTTP, killed
 * by `stop()`. `motoAvailable()` says (with the reason) whether this machine can run it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface MotoServer {
  endpoint: string;
  port: number;
  /** account moto acts in: the emulator's default, so ARNs compare without masking */
  accountId: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface MotoAvailability {
  available: boolean;
  /** why not, in words a reader of the test log can act on */
  reason?: string;
  version?: string;
}

let cachedAvailability: MotoAvailability | undefined;

/** Whether `moto_server` can be run here (on PATH and starts). Cached for the process. */
export function motoAvailable(): MotoAvailability {
  if (cachedAvailability) return cachedAvailability;
  const r = spawnSync('moto_server', ['--help'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    const why = r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : `'moto_server --help' failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`;
    cachedAvailability = { available: false, reason: `moto_server is not installed (${why}); install it with: pip install 'moto[server]'` };
  } else {
    const v = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8', timeout: 30_000 });
    cachedAvailability = { available: true, version: v.status === 0 ? v.stdout.trim() : undefined };
  }
  return cachedAvailability;
}

/** A free loopback TCP port (moto_server has no "port 0"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartMotoOptions {
  accountId?: string;
  /** load AWS managed policies (slow: a few seconds); default true */
  managedPolicies?: boolean;
  /** give up after this long, ms; default 60 s */
  timeoutMs?: number;
}

/** Start moto_server on 127.0.0.1 and wait until it answers HTTP. Throws if it is absent or dies. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const availability = motoAvailable();
  if (!availability.available) throw new Error(availability.reason);
  const accountId = opts.accountId ?? '000000000000';
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...process.env,
      MOTO_IAM_LOAD_MANAGED_POLICIES: opts.managedPolicies === false ? 'false' : 'true',
      // The emulator's default account, so both backends produce the same ARNs.
      MOTO_ACCOUNT_ID: accountId,
      // Never let moto reach a real AWS (it does not try to, but make it explicit).
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  // Never leave a moto_server behind, even if the test process ends without afterAll.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code) => {
    exited = code;
    process.off('exit', killOnExit);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited !== undefined || child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      // moto (werkzeug) normally exits at once; make sure it does.
      setTimeout(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      }, 3000).unref();
    });

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`moto_server exited (code ${exited}) before it was ready:\n${output}`);
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${opts.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // moto builds its IAM backend (and loads ~1,300 managed policies) on the first IAM call:
  // do that now, so the first scripted or timed call does not pay for it.
  await warmIam(endpoint);
  return { endpoint, port, accountId, process: child, stop };
}

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

async function answers(endpoint: string): Promise<boolean> {
  try {
    // moto's own dashboard route answers once the server is up.
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Reset every moto backend (between benchmark rounds or test sections). */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await res.arrayBuffer();
}

/** The loud line a suite prints when it cannot compare against moto. */
export function motoSkippedBanner(what: string, reason: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!!! SKIPPED: ${what}: ${reason}\n${line}\n`;
}
