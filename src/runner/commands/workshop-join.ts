/**
 * `iam-labs workshop join <url> --name <name>`: get an own account on the instructor's server
 * and make it this machine's lab session, so start/check/shell work as locally and checks are
 * reported to the dashboard. Running it again rejoins with the kept token (same account).
 */
import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { EMBEDDED_CAPABILITIES } from '../../backends/embedded.js';
import { writeFileAtomic } from '../../emulator/state/persistence.js';
import { joinWorkshop, parseWorkshopUrl, reportProgress, type ReportedStep } from '../../workshop/client.js';
import { UsageError } from '../errors.js';
import { stateHome } from '../paths.js';
import { writeSession } from '../session.js';

export interface WorkshopLink {
  format: 1;
  base: string;
  name: string;
  learnerId: string;
  token: string;
  accountId: string;
}

export const workshopFile = (home: string) => path.join(home, 'workshop.json');

export function readWorkshopLink(home: string): WorkshopLink | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(workshopFile(home), 'utf8')) as WorkshopLink;
    return v && v.format === 1 && typeof v.token === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface WorkshopJoinOptions {
  name?: string;
  code?: string;
}

export async function workshopJoinCommand(url: string, opts: WorkshopJoinOptions, out: NodeJS.WritableStream = process.stdout, env = process.env): Promise<void> {
  const { base, code: codeInUrl } = parseWorkshopUrl(url);
  const code = opts.code ?? codeInUrl;
  if (!opts.name) throw new UsageError('say who you are: --name "Your Name" (it is what your instructor sees).');
  if (!code) throw new UsageError('the join code is missing: add --code <CODE> (your instructor shows it).');
  const home = stateHome(env);
  const previous = readWorkshopLink(home);
  const sameServer = previous && previous.base === base && previous.name.toLowerCase() === opts.name.toLowerCase();
  const joined = await joinWorkshop(base, opts.name, code, sameServer ? previous.token : undefined);
  const link: WorkshopLink = { format: 1, base, name: joined.name, learnerId: joined.learnerId, token: joined.token, accountId: joined.accountId };
  writeFileAtomic(workshopFile(home), `${JSON.stringify(link, null, 2)}\n`);
  writeSession(home, {
    format: 1,
    startedAt: new Date().toISOString(),
    backend: 'endpoint',
    endpoint: base,
    credentials: { accessKeyId: joined.accessKeyId, secretAccessKey: joined.secretAccessKey },
    accountId: joined.accountId,
    region: joined.region,
    // The workshop server is the embedded emulator: it can show everything the embedded backend can.
    capabilities: EMBEDDED_CAPABILITIES,
    reason: `workshop server ${base} (joined as ${joined.name}, account ${joined.accountId})`,
  });
  out.write(
    [
      `${pc.green('✔')} ${sameServer ? 'Rejoined' : 'Joined'} the workshop at ${base} as ${pc.bold(joined.name)}.`,
      `  Your own AWS account there: ${joined.accountId}. Labs: ${joined.labs.join(', ')}.`,
      ``,
      `Next: iam-labs start ${joined.labs[0] ?? '01'}   (your checks show up on the instructor's dashboard)`,
      ``,
    ].join('\n'),
  );
}

/** Called after every grading: tell the dashboard, if this machine joined a workshop. Never throws. */
export async function reportToWorkshop(
  home: string,
  lab: string,
  steps: Array<{ id: string; status: ReportedStep['status']; failing?: string[] }>,
): Promise<void> {
  const link = readWorkshopLink(home);
  if (!link) return;
  await reportProgress(link.base, link.token, lab, steps);
}
