/** `iam-labs workshop serve`: the class server and dashboard, in the foreground until Ctrl-C. */
import path from 'node:path';
import pc from 'picocolors';
import { PortInUseError } from '../../emulator/http-server.js';
import { PortBusyError, UsageError } from '../../core/errors.js';
import { runUntilSignal } from '../until-signal.js';

export interface WorkshopServeOptions {
  host: string;
  port: string;
  labs?: string;
  state: string;
  stuckMinutes: string;
}

export async function workshopServeCommand(opts: WorkshopServeOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not '${opts.port}'.`);
  const stuck = Number(opts.stuckMinutes);
  if (!(stuck > 0)) throw new UsageError(`--stuck-minutes must be a positive number, not '${opts.stuckMinutes}'.`);
  const labs = opts.labs ? opts.labs.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const { startWorkshop } = await import('../../workshop/server.js');
  let ws;
  try {
    ws = await startWorkshop({ host: opts.host, port, stateDir: path.resolve(opts.state), labs, stuckMinutes: stuck });
  } catch (e) {
    if (e instanceof PortInUseError) throw new PortBusyError(`port ${e.port} on ${e.host} is already in use.`, 2, 'Pick another with --port <n>, or --port 0 for any free port.');
    throw e;
  }
  if (ws.store.loadProblem) out.write(`${pc.yellow('warning:')} ${ws.store.loadProblem}\n`);
  for (const p of ws.emulator.state.loadProblems) out.write(`${pc.yellow('warning:')} ${p.message}\n`);
  const learners = Object.keys(ws.store.data.learners).length;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '<this machine’s address>' : opts.host;
  out.write(
    [
      `${pc.green('iam-labs workshop server ready')}${learners ? ` (${learners} learners restored)` : ''}`,
      ``,
      `  join code          ${pc.bold(ws.store.data.code)}`,
      `  labs               ${ws.outline.map((l) => l.id).join(', ')}`,
      `  learners run       iam-labs workshop join http://${shownHost}:${ws.port} --code ${ws.store.data.code} --name "Your Name"`,
      `  dashboard          ${ws.dashboardUrl}`,
      `  instructor token   ${ws.store.data.instructorToken}   (keep it to yourself: it opens the dashboard)`,
      `  state              ${path.resolve(opts.state)}`,
      opts.host === '127.0.0.1' ? `\n  Listening on 127.0.0.1 only. For a class on your network, add --host 0.0.0.0.` : '',
      ``,
      `Press Ctrl-C to stop (progress and accounts are kept in the state directory).`,
      ``,
    ].join('\n'),
  );
  await runUntilSignal('workshop server', () => ws.close(), out);
}
