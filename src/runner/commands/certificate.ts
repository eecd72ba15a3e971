/**
 * `iam-labs certificate [--out FILE] [--name NAME]`: once every lab of the course is complete,
 * write a completion record the learner can keep, signed with this installation's key (and
 * countersigned by a joined workshop's server when it offers that). completion-record.ts says
 * what the signatures prove, and so does the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { statePaths } from '../../core/paths.js';
import { signRecord } from '../../core/completion-format.js';
import { completionPayload, installationKey } from '../completion-record.js';
import { courseSummary, renderSummary } from '../completion.js';
import { plural } from '../output.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { ProgressStore } from '../progress.js';
import { openCourse } from '../runtime.js';
import { countersignAtWorkshop, readWorkshopLink, sendUnsentReports, vouchingServer } from '../workshop-link.js';

export interface CertificateOptions {
  out?: string;
  name?: string;
  plain?: boolean;
}

export async function certificateCommand(opts: CertificateOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const paths = statePaths(io.home);
  const p = new ProgressStore(paths.progress).read();
  const summary = courseSummary(course, p);
  if (!summary.complete) {
    const left = summary.labs.filter((l) => !l.complete).map((l) => `${l.number} (${l.steps - l.done} of ${plural(l.steps, 'step')} left)`);
    throw new UserError(`the course is not complete yet: lab ${left.join(', lab ')}.`, 1, '`iam-labs progress` shows every step; the record can be written once every lab is complete.');
  }
  const link = readWorkshopLink(io.home);
  const name = opts.name ?? link?.name;
  const vouching = link && vouchingServer(link);
  const payload = completionPayload(course, p, summary, name ? { name } : {}, vouching ? { server: vouching.base, learnerId: vouching.learnerId } : undefined);
  const key = installationKey(paths.signingKey);
  const record = signRecord(payload, key.key);
  const notes: string[] = [];
  if (key.damaged) notes.push(`The installation key ${paths.signingKey} could not be used (${key.damaged.reason}); it was kept as ${key.damaged.keptAs} and a new key was made.`);
  if (link) {
    // the server countersigns only what it saw pass: first what it did not take when it was sent
    await sendUnsentReports(io.home);
    const c = await countersignAtWorkshop(io.home, record);
    if (c.countersignature) record.countersignatures = [c.countersignature];
    else notes.push(`Not countersigned: ${c.reason?.replace(/\.+$/, '')}.`);
  }
  const out = path.resolve(opts.out ?? 'iam-labs-completion.json');
  fs.writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  writeln(io, renderSummary(io, summary).split('\n\nKeep a signed record')[0]);
  writeln(io, '');
  writeln(io, `${io.c.green('✔')} Wrote ${out}`);
  writeln(io, `  signed with this installation's key ${record.signature.fingerprint}${record.countersignatures ? `, countersigned by the workshop server ${vouching?.base} (${record.countersignatures[0].fingerprint})` : ''}`);
  for (const note of notes) writeln(io, `  ${note}`);
  writeln(io, '');
  writeln(io, MEANING);
  return 0;
}

export const MEANING = [
  'What the signature proves: `iam-labs verify <file>` checks that the record is exactly what this',
  'installation of iam-labs wrote (nothing added, removed or changed since). It does not prove who did',
  'the labs, or that they did them alone: anyone can install iam-labs and make a record. Solutions',
  'revealed with `iam-labs solve` are listed in it. A workshop server’s countersignature, checked',
  'with `iam-labs verify <file> --key <server.pub>`, proves that the class server holding that key signed it,',
  'which it does only once the learner’s iam-labs reported to it every step the record claims as passed.',
].join('\n');
