/**
 * `iam-labs verify <file> [--key <instructor.pub>]`: check a completion record offline, and say
 * exactly what a valid signature means (and what it does not).
 */
import fs from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { verifyRecord, type CompletionRecord } from '../../core/completion-format.js';
import { publicKeyFromText } from '../../core/signed-record.js';
import { plural } from '../output.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { MEANING } from './certificate.js';

export interface VerifyOptions {
  key?: string;
  json?: boolean;
  plain?: boolean;
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

export async function verifyCommand(file: string, opts: VerifyOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file, 'the record'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file} is not JSON, so it is not a completion record.`);
  }
  let key: string | undefined;
  if (opts.key) {
    key = publicKeyFromText(readText(opts.key, 'the key'));
    if (!key) throw new UsageError(`${opts.key} does not hold an Ed25519 public key (PEM, as \`iam-labs workshop public-key\` writes it).`);
  }
  const v = verifyRecord(raw, key);
  const ok = v.intact && (!opts.key || !!v.countersigned);
  if (opts.json) {
    writeln(io, JSON.stringify({ valid: ok, ...v }, null, 2));
    return ok ? 0 : 1;
  }
  if (!v.intact) {
    writeln(io, `${io.c.red('✘ Not valid:')} ${v.problem}.`);
    return 1;
  }
  const r = raw as CompletionRecord;
  writeln(io, `${io.c.green('✔ Intact:')} signed by the iam-labs installation with key ${v.fingerprint}, unchanged since.`);
  writeln(io, `  ${r.learner?.name ?? '(no name given)'} — ${r.course.title}: ${plural(r.totals.labs, 'lab')}, ${plural(r.totals.steps, 'step')}${r.totals.revealedSteps ? ` (${r.totals.revealedSteps} with the solution revealed)` : ''}, completed ${r.completedAt?.slice(0, 10) ?? '?'}.`);
  const countersigners = (Array.isArray(r.countersignatures) ? r.countersignatures : []).filter((c) => c && typeof c.fingerprint === 'string');
  if (!opts.key && countersigners.length) {
    writeln(io, `  It carries a workshop server's countersignature (key ${countersigners.map((c) => c.fingerprint).join(', ')}), not checked: add --key <that server's public key> to check it.`);
  }
  if (opts.key) {
    if (v.countersigned) writeln(io, `${io.c.green('✔ Countersigned')} by ${v.countersigned.by} with the key in ${opts.key} (${v.countersigned.fingerprint}) on ${v.countersigned.signedAt.slice(0, 10)}.`);
    else writeln(io, `${io.c.red('✘ Not countersigned with that key:')} ${v.countersignProblem}.`);
  }
  writeln(io, '');
  writeln(io, MEANING);
  return ok ? 0 : 1;
}
