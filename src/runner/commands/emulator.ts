/** `iam-labs emulator`: the embedded emulator in the foreground until Ctrl-C / SIGTERM. */
import pc from 'picocolors';
import { PortInUseError, startEmulator } from '../../emulator/index.js';
import { PortBusyError, UsageError } from '../errors.js';
import { runUntilSignal } from '../until-signal.js';

export interface EmulatorOptions {
  host: string;
  port: string;
  state?: string;
  account: string;
  enforce: boolean;
  quiet?: boolean;
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
  await runUntilSignal('emulator', () => running.close(), out);
}
