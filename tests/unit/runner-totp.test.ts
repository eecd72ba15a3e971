/**
 * `iam-labs totp`: codes by RFC 6238 (checked against the RFC's own test vector), the output
 * forms (text, --json, --quiet), and a clear error for every bad seed file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pc from 'picocolors';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBase32Seed, totpWindow } from '../../src/core/totp.js';
import { SeedFileError, totpCommand } from '../../src/runner/commands/totp.js';
import type { CommandIO } from '../../src/runner/io.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-totp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// RFC 6238 appendix B: the ASCII secret "12345678901234567890" (SHA1); at T = 59 s the 8-digit
// code is 94287082 and at T = 1111111109 s it is 07081804: 6 digits keep the last six.
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

function io(): { io: CommandIO; out: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const err = new PassThrough();
  return { io: { env: {}, out, err, input: new PassThrough(), tty: false, plain: true, c: pc.createColors(false), home: dir }, out: () => text };
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe('codes', () => {
  it('follow RFC 6238 (SHA1, 30 s, 6 digits): the RFC test vectors', () => {
    expect(totpWindow(RFC_SEED, 59_000).current).toBe('287082');
    expect(totpWindow(RFC_SEED, 1111111109_000).current).toBe('081804');
    // the next code is the following 30-second window's
    expect(totpWindow(RFC_SEED, 1111111109_000 - 30_000).next).toBe('081804');
  });

  it('say how long the current code has left', () => {
    expect(totpWindow(RFC_SEED, 59_000).secondsLeft).toBe(1);
    expect(totpWindow(RFC_SEED, 60_000).secondsLeft).toBe(30);
    expect(totpWindow(RFC_SEED, 75_500).secondsLeft).toBe(15);
  });
});

describe('seed files', () => {
  it('a seed as the AWS CLI writes it, or pasted with spaces, line breaks, lower case or padding', () => {
    expect(parseBase32Seed(RFC_SEED)).toEqual({ seed: RFC_SEED });
    expect(parseBase32Seed(`  ${RFC_SEED.toLowerCase().replace(/(.{8})/g, '$1 ')}\n`)).toEqual({ seed: RFC_SEED });
    expect(parseBase32Seed(`${RFC_SEED}====\n`)).toEqual({ seed: RFC_SEED });
  });

  it('text, --json and --quiet show the current and the next code', async () => {
    const seed = file('alan-mfa.txt', RFC_SEED);
    const text = io();
    expect(await totpCommand(seed, {}, text.io, () => 1111111109_000 - 30_000)).toBe(0);
    expect(text.out()).toContain('current  ');
    expect(text.out()).toContain('next     081804');
    expect(text.out()).toMatch(/--authentication-code1 \d{6} --authentication-code2 081804/);
    const json = io();
    await totpCommand(seed, { json: true }, json.io, () => 59_000);
    expect(JSON.parse(json.out())).toEqual({ file: seed, current: '287082', next: totpWindow(RFC_SEED, 89_000).current, secondsLeft: 1, period: 30 });
    const quiet = io();
    await totpCommand(seed, { quiet: true }, quiet.io, () => 59_000);
    expect(quiet.out()).toBe(`287082 ${totpWindow(RFC_SEED, 89_000).current}\n`);
  });

  const refuses = async (p: string, message: RegExp, hint?: RegExp) => {
    const err = await totpCommand(p, {}, io().io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedFileError);
    expect((err as SeedFileError).message).toMatch(message);
    expect((err as SeedFileError).exitCode).toBe(2);
    if (hint) expect((err as SeedFileError).hint).toMatch(hint);
  };

  it('refuses a missing file, a folder, an empty or a huge file, with how to make one', async () => {
    await refuses(path.join(dir, 'nope.txt'), /nope\.txt: no such file\.$/, /create-virtual-mfa-device --virtual-mfa-device-name <name> --outfile .*nope\.txt --bootstrap-method Base32StringSeed/);
    await refuses(dir, /is a folder, not a seed file/);
    await refuses(file('empty.txt', ''), /holds no MFA seed: it is empty\./);
    await refuses(file('big.txt', 'A'.repeat(10_000)), /10000 bytes, far too large to be an MFA seed file/);
  });

  it('refuses text that is not Base32, naming the first bad character, and a seed too short', async () => {
    await refuses(file('json.txt', '{"Base32StringSeed": "x"}'), /not a Base32 seed \('\{' at position 1; Base32 uses only A-Z and 2-7\)/);
    await refuses(file('digits.txt', 'ABCDEFGH18'), /'1' at position 9/);
    await refuses(file('short.txt', 'JBSWY3DP'), /only 8 Base32 characters, too short for an MFA seed/);
  });

  it('recognises the QR code PNG (--bootstrap-method QRCodePNG)', async () => {
    await refuses(file('qr.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), /is a PNG image \(the QR code/, /--bootstrap-method Base32StringSeed/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file it may not read', async () => {
    const p = file('secret.txt', RFC_SEED);
    fs.chmodSync(p, 0o000);
    await refuses(p, /cannot be read \(permission denied\)/);
  });
});
