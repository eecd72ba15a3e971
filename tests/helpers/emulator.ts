/**
 * Test helpers: a real emulator on a free loopback port, SDK clients for it, and a runner for
 * the real AWS CLI (v1 `aws` on PATH, Debian's v2 at /usr/bin/aws) with an isolated config.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import type { Capabilities } from '../../src/core/aws-types.js';
import { makeClients } from '../../src/core/sdk-clients.js';
import { startEmulator, type StartedEmulator } from '../../src/emulator/index.js';
import type { EmulatorConfig } from '../../src/emulator/types.js';
import { createLabContext, FactMap, MemoryProfiles, type CreatedContext, type ProfileStore } from '../../src/runner/lab-context.js';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Control tokens of the emulators this process started, by endpoint: a lab context needs its emulator's. */
const controlTokens = new Map<string, string>();

export async function startTestEmulator(config: Partial<EmulatorConfig> = {}): Promise<StartedEmulator> {
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, ...config });
  controlTokens.set(emu.endpoint, emu.emulator.controlToken);
  return emu;
}

/** SDK clients for an endpoint, from the one client factory the CLI uses. */
export function clients(endpoint: string, creds: Creds = ROOT, region = 'us-east-1') {
  return makeClients(endpoint, creds, region);
}

/**
 * A lab context on a test backend, made as the CLI makes it (runner/lab-context.ts): root
 * clients, in-memory facts, and in-memory profiles unless a store is given.
 */
export function labContext(endpoint: string, opts: { capabilities?: Capabilities; profiles?: ProfileStore } = {}): CreatedContext {
  // the control token, as a session holds it (lab 06 asks the control API for instance metadata addresses)
  const controlToken = controlTokens.get(endpoint);
  const target = { endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: opts.capabilities ?? EMBEDDED_CAPABILITIES, ...(controlToken ? { controlToken } : {}) };
  return createLabContext(target, new FactMap(), opts.profiles ?? new MemoryProfiles());
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: any;
}

/** Which AWS CLIs this machine has: v1 (`aws` on PATH) and Debian's v2 (/usr/bin/aws). */
export function availableClis(): Array<{ name: 'v1' | 'v2'; bin: string; needsEndpointFlag: boolean }> {
  const out: Array<{ name: 'v1' | 'v2'; bin: string; needsEndpointFlag: boolean }> = [];
  out.push({ name: 'v1', bin: 'aws', needsEndpointFlag: false });
  if (fs.existsSync('/usr/bin/aws')) out.push({ name: 'v2', bin: '/usr/bin/aws', needsEndpointFlag: true });
  return out;
}

/**
 * Run the AWS CLI against `endpoint` with an isolated HOME and config (never the real ~/.aws).
 * CLI v2 before 2.13 ignores AWS_ENDPOINT_URL, so --endpoint-url is passed explicitly for it.
 */
export function awsCli(
  endpoint: string,
  args: string[],
  opts: { creds?: Creds; bin?: string; needsEndpointFlag?: boolean; env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  const creds = opts.creds ?? ROOT;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-cli-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_PAGER: '',
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    ...opts.env,
  };
  const bin = opts.bin ?? 'aws';
  const full = opts.needsEndpointFlag ?? bin === '/usr/bin/aws' ? ['--endpoint-url', endpoint, ...args] : args;
  return new Promise((resolve) => {
    const child = execFile(bin, full, { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      fs.rmSync(home, { recursive: true, force: true });
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      let json: any;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
