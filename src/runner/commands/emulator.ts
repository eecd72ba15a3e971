/**
 * `iam-labs emulator`: the embedded emulator in the foreground until Ctrl-C / SIGTERM. With
 * `--grading-socket <path>` (what `start --detach` runs) it also offers the grading service there,
 * so each `iam-labs check` finds the graders and the AWS SDK already loaded.
 */
import pc from 'picocolors';
import { CONTROL_TOKEN_ENV, PortInUseError, startEmulator } from '../../emulator/index.js';
import { PortBusyError, UsageError } from '../../core/errors.js';
import { serveEndpointInProcess } from '../../core/in-process-endpoints.js';
import { InProcessHandler } from '../../emulator/sdk-handler.js';
import { runUntilSignal } from '../until-signal.js';

export interface EmulatorOptions {
  host: string;
  port: string;
  state?: string;
  account: string;
  enforce: boolean;
  quiet?: boolean;
  /** also serve the grading service on this Unix socket (grading-host.ts) */
  gradingSocket?: string;
}

export async function emulatorCommand(opts: EmulatorOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not '${opts.port}'.`);
  if (!/^\d{12}$/.test(opts.account)) throw new UsageError(`--account must be a 12-digit AWS account id, not '${opts.account}'.`);
  const started = Date.now();
  let running;
  try {
    running = await startEmulator({
      host: opts.host,
      port,
      stateFile: opts.state,
      defaultAccountId: opts.account,
      enforce: opts.enforce,
      logDenial: opts.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
      // The runner that spawned this emulator hands it the control API's token this way.
      controlToken: process.env[CONTROL_TOKEN_ENV] || undefined,
    });
  } catch (e) {
    if (e instanceof PortInUseError) {
      throw new PortBusyError(
        `port ${e.port} on ${e.host} is already in use (LocalStack, or another emulator?).`,
        2,
        `Pick another with --port <n>, or --port 0 for any free port.`,
      );
    }
    throw e;
  }
  const ms = Date.now() - started;
  for (const problem of running.emulator.state.loadProblems) {
    process.stderr.write(`${pc.yellow('warning:')} ${problem.message}\n`);
  }
  // The socket opens before the ready line, so a `start` that waits for that line finds it; the
  // graders load behind it.
  // the grading service in this process reaches the emulator without a socket (in-process-endpoints.ts)
  if (opts.gradingSocket) {
    serveEndpointInProcess(running.endpoint, new InProcessHandler(running.emulator), new InProcessHandler(running.emulator, { observer: true }));
  }
  const grading = opts.gradingSocket ? await startGrading(opts.gradingSocket, running.endpoint) : undefined;
  out.write(
    [
      `${pc.green('iam-labs emulator ready')} in ${ms} ms: IAM, STS and S3 ${opts.enforce ? 'with IAM enforcement' : '(IAM not enforced)'}`,
      ``,
      `  endpoint         ${running.endpoint}`,
      `  account          ${opts.account}`,
      `  access key       test      (the account's root)`,
      `  secret key       test`,
      `  region           us-east-1`,
      opts.state ? `  state file       ${opts.state}` : `  state            in memory (use --state FILE to keep it)`,
      ``,
      `Use it from another terminal:`,
      `  export AWS_ENDPOINT_URL=${running.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1`,
      `  aws sts get-caller-identity`,
      ``,
      `Press Ctrl-C to stop.`,
      ``,
    ].join('\n'),
  );
  if (grading) setTimeout(() => void grading.preload(), 20).unref();
  await runUntilSignal('emulator', async () => {
    grading?.close();
    await running.close();
  }, out);
}

async function startGrading(socketPath: string, endpoint: string): Promise<{ close(): void; preload(): Promise<void> } | undefined> {
  const { preloadGraders, startGradingHost } = await import('../grading-host.js');
  try {
    const host = await startGradingHost({ socketPath, endpoint });
    return { close: host.close, preload: preloadGraders };
  } catch (e) {
    // checks then say, each time, that they grade in their own process and why
    process.stderr.write(`${pc.yellow('warning:')} no grading service on ${socketPath} (${(e as Error).message})\n`);
    return undefined;
  }
}
