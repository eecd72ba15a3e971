/** `iam-labs workshop serve`: the class server and dashboard, in the foreground until Ctrl-C. */
import path from 'node:path';
import pc from 'picocolors';
import { PortInUseError } from '../../emulator/http-server.js';
import { PortBusyError, UsageError, UserError } from '../../core/errors.js';
import { parseWorkshopUrl } from '../../workshop/client.js';
import { instructorNote } from '../shared-server-notes.js';
import { runUntilSignal } from '../until-signal.js';

export interface WorkshopServeOptions {
  host: string;
  port: string;
  labs?: string;
  state: string;
  stuckMinutes: string;
  workers?: string;
  reportOnly?: boolean;
  maxLearners?: string;
  hub?: string;
  hubCode?: string;
  serverName?: string;
}

function count(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not '${value}'.`);
  return n;
}

export async function workshopServeCommand(opts: WorkshopServeOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const port = count(opts.port, '--port', 0, 65535)!;
  const stuck = Number(opts.stuckMinutes);
  if (!(stuck > 0)) throw new UsageError(`--stuck-minutes must be a positive number, not '${opts.stuckMinutes}'.`);
  const workers = count(opts.workers, '--workers', 1, 64);
  const maxLearners = count(opts.maxLearners, '--max-learners', 1, 100_000);
  if (opts.hub && !opts.hubCode) throw new UsageError('--hub needs --hub-code: the join code the class dashboard (hub) shows.');
  if (opts.hub && opts.reportOnly) throw new UsageError('a report-only server is itself a dashboard: --hub is for servers that hold accounts.');
  const hub = opts.hub ? { base: parseWorkshopUrl(opts.hub).base, code: opts.hubCode!, serverName: opts.serverName ?? `${opts.host}:${port}` } : undefined;
  const labs = opts.labs ? opts.labs.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const { startWorkshop } = await import('../../workshop/server.js');
  const { IdentityLostError } = await import('../../workshop/store.js');
  let ws;
  try {
    ws = await startWorkshop({ host: opts.host, port, stateDir: path.resolve(opts.state), labs, stuckMinutes: stuck, workers, reportOnly: !!opts.reportOnly, maxLearners, hub });
  } catch (e) {
    if (e instanceof PortInUseError) throw new PortBusyError(`port ${e.port} on ${e.host} is already in use.`, 2, 'Pick another with --port <n>, or --port 0 for any free port.');
    if (e instanceof IdentityLostError) {
      throw new UserError(e.message, 2, `The learners' accounts are untouched. Restore workshop.json or learners.jsonl from a backup, or serve a new workshop with another --state folder.`);
    }
    throw e;
  }
  for (const p of ws.problems) out.write(`${pc.yellow('warning:')} ${p}\n`);
  const labNote = opts.reportOnly ? undefined : instructorNote(ws.outline);
  const code = ws.store.identity.code;
  const learners = ws.store.size;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '<this machine’s address>' : opts.host;
  const joinLine = `iam-labs workshop join http://${shownHost}:${ws.port} --code ${code} --name "Your Name"${opts.reportOnly ? ' --report-only' : ''}`;
  out.write(
    [
      `${pc.green('iam-labs workshop server ready')}${learners ? ` (${learners} learners restored)` : ''}`,
      ``,
      `  join code          ${pc.bold(code)}`,
      `  labs               ${ws.outline.map((l) => l.id).join(', ')}`,
      `  learners run       ${joinLine}`,
      `  dashboard          ${ws.dashboardUrl}`,
      `  instructor token   ${ws.store.identity.instructorToken}   (keep it to yourself: it opens the dashboard)`,
      `  state              ${path.resolve(opts.state)}`,
      `  countersign key    ${ws.countersignKey.fingerprint}   public key: ${ws.countersignKey.files.publicKey}`,
      `                     (give that file to whoever checks records: iam-labs verify <record> --key <file>)`,
      opts.reportOnly
        ? `  mode               report-only: labs run on each learner's machine; only progress comes here`
        : `  accounts           on ${ws.workers?.count ?? 1} worker process${ws.workers?.count === 1 ? '' : 'es'}`,
      ...(hub ? [`  class dashboard    ${hub.base} (this server's learners report there, as "${hub.serverName}")`] : []),
      ...(labNote ? ['', `${pc.dim('note:')} ${labNote.replace(/\n/g, '\n      ')}`] : []),
      opts.host === '127.0.0.1' ? `\n  Listening on 127.0.0.1 only. For a class on your network, add --host 0.0.0.0.` : '',
      ``,
      `Press Ctrl-C to stop (progress and accounts are kept in the state directory).`,
      ``,
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n'),
  );
  await runUntilSignal('workshop server', () => ws.close(), out);
}
