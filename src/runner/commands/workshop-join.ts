/**
 * `iam-labs workshop join <url> --name <name>`: join an instructor's workshop.
 *
 * Shared mode (the default): an own account on the instructor's server becomes this machine's
 * lab session, so start/check/shell work as locally and checks are reported to the dashboard.
 * Report-only (`--report-only`, or a server started with it): labs run on this machine's own
 * emulator as usual, and only progress goes to the dashboard. Running it again rejoins with the
 * kept token (same learner, same account).
 */
import pc from 'picocolors';
import { workshopBackendInfo } from '../../backends/workshop.js';
import { CorruptFileError, UsageError } from '../../core/errors.js';
import { accountFilePaths, stateHome } from '../../core/paths.js';
import { joinWorkshop, parseWorkshopUrl } from '../../workshop/client.js';
import { accountSession, readBackend, removeBackend, writeBackend, type BackendRecord } from '../session.js';
import { LabAwsFiles } from '../aws-files.js';
import { stopBackend } from '../backend-lifecycle.js';
import { defaultIO } from '../io.js';
import { readWorkshopLink, writeWorkshopLink, type WorkshopLink } from '../workshop-link.js';

export interface WorkshopJoinOptions {
  name?: string;
  code?: string;
  reportOnly?: boolean;
}

export async function workshopJoinCommand(url: string, opts: WorkshopJoinOptions, out: NodeJS.WritableStream = process.stdout, env = process.env): Promise<void> {
  const { base, code: codeInUrl } = parseWorkshopUrl(url);
  const code = opts.code ?? codeInUrl;
  if (!opts.name) throw new UsageError('say who you are: --name "Your Name" (it is what your instructor sees).');
  if (!code) throw new UsageError('the join code is missing: add --code <CODE> (your instructor shows it).');
  const home = stateHome(env);
  let previous: WorkshopLink | undefined;
  try {
    previous = readWorkshopLink(home);
  } catch (e) {
    // an unreadable link was kept aside: say so, and join as someone new
    if (!(e instanceof CorruptFileError)) throw e;
    out.write(`${pc.yellow('warning:')} ${e.message}\n`);
  }
  const sameServer = previous && previous.base === base && previous.name.toLowerCase() === opts.name.toLowerCase();
  const joined = await joinWorkshop(base, {
    name: opts.name,
    code,
    ...(sameServer && previous ? { token: previous.token } : {}),
    ...(opts.reportOnly ? { mode: 'report-only' as const } : {}),
  });
  const shared = joined.mode !== 'report-only' && !!joined.accountId && !!joined.secretAccessKey;
  const link: WorkshopLink = {
    format: 1,
    base,
    name: joined.name,
    learnerId: joined.learnerId,
    token: joined.token,
    mode: shared ? 'shared' : 'report-only',
    ...(joined.accountId ? { accountId: joined.accountId } : {}),
    ...(joined.report ? { report: joined.report } : {}),
    // the same learner on the same server: what it did not take is still to be sent
    ...(sameServer && joined.token === previous?.token && previous.unsent ? { unsent: previous.unsent } : {}),
  };
  writeWorkshopLink(home, link);
  const verb = sameServer ? 'Rejoined' : 'Joined';
  const running = readBackend(home);
  if (shared) {
    // the workshop becomes this machine's backend (a local one running is stopped: one backend at a time)
    if (running && running.backend !== 'workshop') {
      await stopBackend(defaultIO({ env }));
      out.write(`Stopped the ${running.backend} backend that was running here: your labs there are kept where it keeps them.\n`);
    }
    const credentials = { accessKeyId: joined.accessKeyId!, secretAccessKey: joined.secretAccessKey! };
    const backend: BackendRecord = {
      format: 2,
      startedAt: new Date().toISOString(),
      state: 'running',
      ...workshopBackendInfo({ base, credentials, accountId: joined.accountId!, region: joined.region ?? 'us-east-1', name: joined.name, token: joined.token }),
    };
    writeBackend(home, backend);
    // `iam-labs shell` works right away, on the learner's account, before any lab is started
    const session = accountSession(backend);
    new LabAwsFiles(accountFilePaths(home), session.endpoint, session.region).init(session.credentials);
  } else if (running?.backend === 'workshop') {
    // The labs run here now: a backend record for the workshop's accounts would send them there.
    removeBackend(home);
  }
  out.write(
    [
      `${pc.green('✔')} ${verb} the workshop at ${base} as ${pc.bold(joined.name)}.`,
      shared
        ? `  Your own AWS account there: ${joined.accountId}. Labs: ${joined.labs.join(', ')}.`
        : `  Your labs run on this machine; only your progress goes to the instructor's dashboard. Labs: ${joined.labs.join(', ')}.`,
      ``,
      `Next: iam-labs start ${joined.labs[0]?.slice(0, 2) ?? '01'}   (your checks show up on the instructor's dashboard)`,
      ``,
    ].join('\n'),
  );
}
