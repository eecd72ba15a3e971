/**
 * `iam-labs workshop public-key [url] [--state dir] [--out file] [--json]`: the public key a
 * workshop server countersigns completion records with, as PEM, for whoever checks records
 * (`iam-labs verify <record> --key <file>`). From the server's state folder (the instructor's own
 * machine, server running or not), or from a running server's /_workshop/api/public-key. The
 * fingerprint is always worked out here from the key, never taken from the server's word.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { keyFingerprint, publicKeyFromText } from '../../core/signed-record.js';
import { parseWorkshopUrl } from '../../workshop/client.js';
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../../workshop/countersign.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';

export interface WorkshopPublicKeyOptions {
  state: string;
  out?: string;
  json?: boolean;
  plain?: boolean;
}

function fromStateDir(dir: string): { text: string; source: string } {
  for (const name of [PUBLIC_KEY_FILE, PRIVATE_KEY_FILE]) {
    const file = path.join(dir, name);
    try {
      return { text: fs.readFileSync(file, 'utf8'), source: file };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
  }
  throw new UserError(`there is no countersigning key in ${dir} yet.`, 2, `\`iam-labs workshop serve --state ${dir}\` makes one when it first starts (or give the server's address: iam-labs workshop public-key http://host:port).`);
}

async function fromServer(url: string): Promise<{ text: string; source: string }> {
  const { base } = parseWorkshopUrl(url);
  let res: Response;
  try {
    res = await fetch(`${base}/_workshop/api/public-key`, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new UserError(`cannot reach the workshop server at ${base} (${(e as Error).message}).`);
  }
  const body = (await res.json().catch(() => ({}))) as { pem?: unknown };
  if (res.status === 404) throw new UserError(`the workshop server at ${base} does not countersign records (it runs an iam-labs without that).`);
  if (!res.ok || typeof body.pem !== 'string') throw new UserError(`the workshop server at ${base} did not give its public key (HTTP ${res.status}).`);
  return { text: body.pem, source: base };
}

export async function workshopPublicKeyCommand(url: string | undefined, opts: WorkshopPublicKeyOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const found = url ? await fromServer(url) : fromStateDir(path.resolve(opts.state));
  const publicKey = publicKeyFromText(found.text);
  if (!publicKey) throw new UserError(`${found.source} does not hold an Ed25519 key.`);
  const fingerprint = keyFingerprint(publicKey);
  const pem = `-----BEGIN PUBLIC KEY-----\n${publicKey.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  if (opts.out) fs.writeFileSync(path.resolve(opts.out), pem);
  if (opts.json) {
    writeln(io, JSON.stringify({ algorithm: 'Ed25519', publicKey, fingerprint, pem, source: found.source, ...(opts.out ? { out: path.resolve(opts.out) } : {}) }, null, 2));
  } else if (opts.out) {
    writeln(io, `${io.c.green('✔')} Wrote ${path.resolve(opts.out)}: the workshop's countersigning public key ${fingerprint}`);
    writeln(io, `  Whoever checks a learner's record runs: iam-labs verify <record> --key ${opts.out}`);
  } else {
    io.out.write(pem);
  }
  return 0;
}
