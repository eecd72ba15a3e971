/**
 * The runtime a function's handler runs in, as the source of a small ES module written next to
 * the unpacked package. It plays Lambda's Node.js runtime: reads one invocation from stdin, loads
 * the handler named by _HANDLER from LAMBDA_TASK_ROOT, formats console output as Lambda does
 * (`<time>\t<request id>\tINFO\t<message>`), and writes the outcome as JSON to file descriptor 3.
 */
export const BOOTSTRAP_SOURCE = String.raw`
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { pathToFileURL } from 'node:url';

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const requestId = input.requestId;
let finished = false;

for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    const line = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(new Date().toISOString() + '\t' + requestId + '\t' + level + '\t' + line + '\n');
  };
}

function report(outcome) {
  if (finished) return;
  finished = true;
  outcome.maxRssKb = process.resourceUsage().maxRSS;
  fs.writeSync(3, JSON.stringify(outcome));
  process.stdout.write('', () => process.exit(0));
}

// A stack as Lambda's runtime shows it: the package under /var/task, the runtime's AWS SDK under
// /var/runtime/node_modules, and nothing of the machine the emulator runs on.
function lambdaPaths(line) {
  const root = process.env.LAMBDA_TASK_ROOT;
  const local = root ? line.split(pathToFileURL(root).href).join('file:///var/task').split(root).join('/var/task') : line;
  return local.replace(/(^|[\s(]|file:\/\/)\/[^()\s]*?\/node_modules\//g, '$1/var/runtime/node_modules/');
}

function errorOutcome(err) {
  if (err instanceof Error) {
    return { error: { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n').map(lambdaPaths) } };
  }
  return { error: { errorType: typeof err, errorMessage: String(err) } };
}

process.on('uncaughtException', (e) => report(errorOutcome(e)));
process.on('unhandledRejection', (e) => report(errorOutcome(e)));

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT;
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf('.');
  const modulePath = dot > 0 ? spec.slice(0, dot) : spec;
  const exportName = dot > 0 ? spec.slice(dot + 1) : '';
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.join(root, modulePath + ext)).find((f) => fs.existsSync(f));
  if (!file) {
    const e = new Error("Error: Cannot find module '" + modulePath + "'\nRequire stack:\n- /var/runtime/index.mjs");
    e.name = 'Runtime.ImportModuleError';
    throw e;
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err && err.name === 'SyntaxError') {
      const e = new Error(err.name + ': ' + err.message);
      e.name = 'Runtime.UserCodeSyntaxError';
      e.stack = err.stack;
      throw e;
    }
    throw err;
  }
  const fn = mod[exportName] ?? mod.default?.[exportName];
  if (typeof fn !== 'function') {
    const e = new Error(spec + ' is undefined or not exported');
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  return fn;
}

const deadline = Date.now() + input.timeoutMs;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: input.functionArn,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: requestId,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: (err, value) => (err ? report(errorOutcome(err)) : report({ result: value })),
  succeed: (value) => report({ result: value }),
  fail: (err) => report(errorOutcome(err)),
};

try {
  const handler = await loadHandler();
  const value = handler.length >= 3
    ? await new Promise((resolve, reject) => {
        const r = handler(input.event, context, (err, v) => (err ? reject(err) : resolve(v)));
        if (r && typeof r.then === 'function') r.then(resolve, reject);
      })
    : await handler(input.event, context);
  report({ result: value === undefined ? null : value });
} catch (err) {
  report(errorOutcome(err));
}
`;
