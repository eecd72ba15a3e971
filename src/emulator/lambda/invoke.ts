/**
 * Invoke: the handler runs in its own Node.js process, bounded in time (the function's Timeout)
 * and memory (--max-old-space-size from MemorySize), with the execution role's temporary
 * credentials, the function's region and the emulator as its AWS endpoint — and nothing of the
 * learner's environment (no HOME, no ~/.aws, no other AWS_* variables). Its result, or its error
 * as FunctionError "Unhandled", comes back as Lambda returns them, with the log tail on request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import { issueSession } from '../sts/credentials.js';
import type { StsSession } from '../sts/models.js';
import { RestResult, type RestInput } from '../protocol/rest-json-service.js';
import type { Emulator, RequestContext } from '../types.js';
import { onEmulatorClose } from '../workload-hooks.js';
import { InvalidParameterValue, InvalidRequestContent, RequestTooLarge, ServiceError } from './errors.js';
import { requireFunction } from './functions.js';
import type { LambdaFunction } from './models.js';
import { removeSandboxes, sandboxFor } from './sandbox.js';
import { assumableExecutionRole } from './trust.js';

const MAX_PAYLOAD = 6 * 1024 * 1024;
/** Functions running at once per emulator: each is a Node.js process, and a loop of invokes must not exhaust the machine. */
const MAX_CONCURRENT = 10;
const LOG_TAIL = 4096;

interface Outcome {
  result?: unknown;
  error?: { errorType: string; errorMessage: string; trace?: string[] };
  maxRssKb?: number;
}

const running = new WeakMap<Emulator, Set<ChildProcess>>();
/** invocations between admission and exit, per emulator (counted before any await, so a burst cannot slip past the limit) */
const admitted = new WeakMap<Emulator, number>();

/** The emulator's address as this request reached it: the function's AWS endpoint. */
function emulatorEndpoint(ctx: RequestContext): string {
  const raw = ctx.request.headers.host;
  const host = Array.isArray(raw) ? raw[0] : raw;
  if (!host || !/^[A-Za-z0-9.[\]:-]+$/.test(host)) throw ServiceError('The emulator could not tell its own address from the request (no Host header).');
  return `${ctx.request.secure ? 'https' : 'http'}://${host}`;
}

/** The execution role's session for this function, reused until it nears expiry (session name = function name, as Lambda does). */
function executionCredentials(ctx: RequestContext, fn: LambdaFunction, roleName: string): StsSession {
  const account = ctx.account;
  const fresh = Object.values(account.sts.sessions).find(
    (s) => s.issuedTo === fn.arn && s.roleName === roleName && Date.parse(s.expiration) - Date.now() > 5 * 60 * 1000,
  );
  if (fresh) return fresh;
  return issueSession(account, 3600, { kind: 'assumed-role', roleName, roleSessionName: fn.name, issuedTo: fn.arn });
}

function parsePayload(raw: Buffer): unknown {
  if (raw.length > MAX_PAYLOAD) throw RequestTooLarge(`${raw.length} byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)`);
  const text = raw.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw InvalidRequestContent(`Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`);
  }
}

function collect(stream: Readable | null, into: Buffer[], limit: number): void {
  let size = 0;
  stream?.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= limit) into.push(c);
  });
}

export interface Execution {
  payload: Buffer;
  functionError?: 'Unhandled';
  log: string;
}

/** Run one invocation of `fn` and return what Lambda would. */
export async function execute(ctx: RequestContext, fn: LambdaFunction, event: unknown): Promise<Execution> {
  const inFlight = admitted.get(ctx.emulator) ?? 0;
  if (inFlight >= MAX_CONCURRENT) {
    throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, 'Sender', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
  }
  admitted.set(ctx.emulator, inFlight + 1);
  try {
    return await run(ctx, fn, event);
  } finally {
    admitted.set(ctx.emulator, (admitted.get(ctx.emulator) ?? 1) - 1);
  }
}

async function run(ctx: RequestContext, fn: LambdaFunction, event: unknown): Promise<Execution> {
  const role = await assumableExecutionRole(ctx, fn.role);
  const creds = executionCredentials(ctx, fn, role.roleName);
  void ctx.emulator.state.persist(ctx.account.accountId);
  const sandbox = sandboxFor(fn.codeSha256, fn.zipFile);
  const requestId = crypto.randomUUID();
  const logStream = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${crypto.randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    ...fn.environment,
    PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    HOME: sandbox.tmp,
    TMPDIR: sandbox.tmp,
    LAMBDA_TASK_ROOT: sandbox.taskRoot,
    LAMBDA_RUNTIME_DIR: sandbox.root,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    AWS_ENDPOINT_URL: emulatorEndpoint(ctx),
    // no shared config or credentials files: the function sees its role and nothing else
    AWS_CONFIG_FILE: path.join(sandbox.tmp, '.aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(sandbox.tmp, '.aws-credentials-none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_OPTIONS: '',
  };
  const started = Date.now();
  const child = spawn(process.execPath, [`--max-old-space-size=${fn.memorySize}`, sandbox.bootstrap], {
    cwd: sandbox.taskRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const set = running.get(ctx.emulator) ?? new Set<ChildProcess>();
  running.set(ctx.emulator, set);
  set.add(child);
  const out: Buffer[] = [];
  const result: Buffer[] = [];
  collect(child.stdout, out, 1024 * 1024);
  collect(child.stderr, out, 1024 * 1024);
  collect(child.stdio[3] as Readable, result, MAX_PAYLOAD + 1024);
  child.stdin?.on('error', () => {});
  child.stdin?.end(JSON.stringify({ requestId, event, timeoutMs: fn.timeout * 1000, functionArn: fn.arn }));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, fn.timeout * 1000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', () => resolve({ code: -1, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  set.delete(child);
  const duration = Date.now() - started;

  const logs = Buffer.concat(out).toString('utf8');
  let outcome: Outcome;
  if (timedOut) {
    outcome = { error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeout.toFixed(2)} seconds` } };
  } else {
    try {
      outcome = JSON.parse(Buffer.concat(result).toString('utf8')) as Outcome;
    } catch {
      const oom = /heap out of memory|Reached heap limit/i.test(logs);
      const why = exit.signal ? `signal: ${exit.signal === 'SIGABRT' ? 'aborted' : exit.signal.toLowerCase()}` : `exit status ${exit.code}`;
      outcome = { error: { errorType: oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${why}` } };
    }
  }
  let payload = Buffer.from(JSON.stringify(outcome.error ?? outcome.result ?? null));
  if (!outcome.error && payload.length > MAX_PAYLOAD) {
    outcome = { error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD} bytes).` } };
    payload = Buffer.from(JSON.stringify(outcome.error));
  }
  const maxMb = Math.max(1, Math.round((outcome.maxRssKb ?? 0) / 1024));
  const errorLine = outcome.error
    ? timedOut
      ? `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeout.toFixed(2)} seconds\n`
      : `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(outcome.error)}\n`
    : '';
  const log =
    `START RequestId: ${requestId} Version: $LATEST\n${logs}${errorLine}END RequestId: ${requestId}\n` +
    `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${fn.memorySize} MB\tMax Memory Used: ${maxMb} MB\t\n`;
  return { payload, ...(outcome.error ? { functionError: 'Unhandled' as const } : {}), log };
}

/** The Invoke operation: RequestResponse (default), Event (202, runs in the background) or DryRun (204). */
export async function invoke(ctx: RequestContext, input: RestInput) {
  const fn = requireFunction(ctx, input.labels.FunctionName);
  if (ctx.emulator.config.rootSecret) {
    // A shared (workshop) server would run every learner's code on the instructor's machine.
    throw InvalidParameterValue(SHARED_SERVER_REFUSAL);
  }
  const qualifier = input.query.get('Qualifier');
  if (qualifier && qualifier !== '$LATEST') requireFunction(ctx, `${input.labels.FunctionName}:${qualifier}`);
  const type = input.header('x-amz-invocation-type') ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw InvalidParameterValue(`1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  }
  const event = parsePayload(input.rawBody);
  if (type === 'DryRun') return new RestResult(204, undefined);
  if (type === 'Event') {
    void execute(ctx, fn, event).catch(() => {});
    return new RestResult(202, undefined, {}, Buffer.alloc(0));
  }
  const r = await execute(ctx, fn, event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  if (r.functionError) headers['x-amz-function-error'] = r.functionError;
  if (input.header('x-amz-log-type') === 'Tail') {
    const bytes = Buffer.from(r.log);
    headers['x-amz-log-result'] = bytes.subarray(Math.max(0, bytes.length - LOG_TAIL)).toString('base64');
  }
  return new RestResult(200, undefined, headers, r.payload);
}

const SHARED_SERVER_REFUSAL =
  'This iam-labs server is shared by a class, so it does not run function code. To invoke functions, run the lab on your own machine, where the emulator runs their code: join the workshop again with --report-only, then iam-labs start 06.';

/** Stop every running function (emulator closing). */
export function killRunningFunctions(emulator: Emulator): void {
  for (const c of running.get(emulator) ?? []) c.kill('SIGKILL');
  running.delete(emulator);
}

onEmulatorClose((emulator) => {
  killRunningFunctions(emulator);
  removeSandboxes();
});
