/**
 * `iam-labs totp <seed-file>`: an authenticator app for the terminal. Reads the Base32 seed that
 * `aws iam create-virtual-mfa-device --bootstrap-method Base32StringSeed --outfile <file>` wrote
 * and prints the current one-time code and the next one: the two consecutive codes
 * enable-mfa-device asks for. Codes are made by core/totp.ts, the code the emulator checks with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { statePaths } from '../../core/paths.js';
import { SEED_FILE } from '../../graders/facts.js';
import { ProgressStore } from '../progress.js';
import { parseBase32Seed, TOTP_PARAMS, totpWindow } from '../../core/totp.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';

export interface TotpOptions {
  json?: boolean;
  /** only the two codes on one line, for scripts */
  quiet?: boolean;
  plain?: boolean;
}

/** The seed file is missing, unreadable or holds no Base32 seed. */
export class SeedFileError extends UserError {}

/** A seed file is a few dozen characters; anything much larger is some other file. */
const MAX_SEED_FILE_BYTES = 4096;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

function readSeedFile(file: string): string {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new SeedFileError(`${file} is a folder, not a seed file.`, 2, HOW_TO_MAKE(file));
    if (stat.size > MAX_SEED_FILE_BYTES) throw new SeedFileError(`${file} is ${stat.size} bytes, far too large to be an MFA seed file.`, 2, HOW_TO_MAKE(file));
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof SeedFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SeedFileError(`${file}: no such file.`, 2, HOW_TO_MAKE(file));
    if (code === 'EACCES' || code === 'EPERM') throw new SeedFileError(`${file} cannot be read (permission denied).`, 2, `Check its permissions: ls -l ${file}`);
    throw new SeedFileError(`${file} cannot be read: ${(e as Error).message}`);
  }
  if (bytes.subarray(0, 4).equals(PNG_SIGNATURE)) {
    throw new SeedFileError(
      `${file} is a PNG image (the QR code an authenticator app scans), not a Base32 seed.`,
      2,
      'Scan it with an authenticator app, or create the device again with --bootstrap-method Base32StringSeed for iam-labs totp.',
    );
  }
  return bytes.toString('latin1');
}

const HOW_TO_MAKE = (file: string) =>
  `The seed file is written when the device is created: aws iam create-virtual-mfa-device --virtual-mfa-device-name <name> --outfile ${file} --bootstrap-method Base32StringSeed`;

/**
 * The seed kept for a file of that name when a reference solution made the device (`solve`, or a
 * reset that restores the step): the learner then has no such file, and the chapter still names it.
 */
function keptSeed(home: string, file: string): string | undefined {
  const facts = new ProgressStore(statePaths(home).progress).read().facts;
  const suffix = `:${SEED_FILE}${path.basename(file)}`;
  const key = Object.keys(facts).find((k) => k.endsWith(suffix) && facts[k]);
  return key ? facts[key] : undefined;
}

export async function totpCommand(file: string, opts: TotpOptions, io: CommandIO = defaultIO(opts), now: () => number = Date.now): Promise<number> {
  let text: string;
  try {
    text = readSeedFile(file);
  } catch (e) {
    const kept = e instanceof SeedFileError && !fs.existsSync(file) ? keptSeed(io.home, file) : undefined;
    if (!kept) throw e;
    text = kept;
    // stderr: --quiet and --json output stays the codes alone
    io.err.write(`${io.c.dim('note:')} ${file} is not here; the reference solution made this device, and iam-labs kept its seed: these are its codes.\n`);
  }
  const parsed = parseBase32Seed(text);
  if ('problem' in parsed) {
    throw new SeedFileError(`${file} holds no MFA seed: ${parsed.problem}.`, 2, HOW_TO_MAKE(file));
  }
  const w = totpWindow(parsed.seed, now());
  if (opts.json) {
    writeln(io, JSON.stringify({ file, current: w.current, next: w.next, secondsLeft: w.secondsLeft, period: TOTP_PARAMS.period }));
    return 0;
  }
  if (opts.quiet) {
    writeln(io, `${w.current} ${w.next}`);
    return 0;
  }
  const c = io.c;
  writeln(io, `MFA codes from ${file} (a new code every ${TOTP_PARAMS.period} seconds):`);
  writeln(io, `  current  ${c.bold(w.current)}   valid for ${w.secondsLeft} more second${w.secondsLeft === 1 ? '' : 's'}`);
  writeln(io, `  next     ${c.bold(w.next)}`);
  writeln(io, '');
  writeln(io, `Two consecutive codes, in this order: --authentication-code1 ${w.current} --authentication-code2 ${w.next}`);
  return 0;
}
