/**
 * The process `iam-labs start --detach` leaves running: the embedded emulator (as
 * `iam-labs emulator --quiet` runs it) plus the grading service on <home>/grading.sock, so each
 * `iam-labs check` finds the graders and the AWS SDK already loaded. Started by embedded.ts as
 *   node dist/backends/embedded-host.js --port N --state FILE --home DIR
 * It prints the same `endpoint <url>` line as `iam-labs emulator`, which is what embedded.ts waits for.
 */
import { parseArgs } from 'node:util';
import { controlTokenFile } from './embedded.js';
import { PortInUseError, startEmulator } from '../emulator/index.js';
import { preloadGraders, startGradingHost } from './grading-host.js';
import { gradingSocketPath } from './grading-protocol.js';

// The SDK honours only the exact value "true"; the warning about Node 20 is not the learner's business.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, state: { type: 'string' }, home: { type: 'string' } } });
  const port = Number(values.port ?? 0);
  const started = Date.now();
  let running;
  try {
    running = await startEmulator({
      host: '127.0.0.1',
      port,
      stateFile: values.state,
      ...(values.home ? { controlTokenFile: controlTokenFile(values.home) } : {}),
    });
  } catch (e) {
    if (e instanceof PortInUseError) {
      process.stderr.write(`iam-labs: port ${e.port} on ${e.host} is already in use (LocalStack, or another emulator?).\n`);
      process.exit(2);
    }
    throw e;
  }
  for (const problem of running.emulator.state.loadProblems) process.stderr.write(`warning: ${problem.message}\n`);

  // The socket opens before the ready line, so the `start` that waits for that line finds it;
  // the graders load behind it.
  let host: { close(): void } | undefined;
  const socketPath = values.home ? gradingSocketPath(values.home) : undefined;
  if (socketPath) {
    host = await startGradingHost({ socketPath, endpoint: running.endpoint }).catch((e: unknown) => {
      process.stderr.write(`note: no grading socket (${String(e)}); checks load the graders themselves\n`);
      return undefined;
    });
  }
  process.stdout.write(`iam-labs emulator ready in ${Date.now() - started} ms\n\n  endpoint         ${running.endpoint}\n\n`);
  if (host) setTimeout(() => void preloadGraders(), 20).unref();

  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    host?.close();
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`iam-labs emulator failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
