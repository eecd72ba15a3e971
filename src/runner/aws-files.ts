/**
 * A lab's own AWS config and credentials files (<home>/labs/<lab>/aws/config and credentials):
 * profile `default` is the root of the lab's account, plus profiles the lab seeds (analyst,
 * intern, …) and those the learner adds with `aws configure --profile …`. Each lab has its own,
 * so two labs open at once never share a profile. The learner's ~/.aws is never touched.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Credentials } from '../core/aws-types.js';
import { writeFileAtomic } from '../core/json-file.js';
import type { AwsFilePaths } from '../core/paths.js';

type Ini = Map<string, Map<string, string>>;

/**
 * Read an AWS config or credentials file with the `ini` package. It nests a section name at
 * its dots (`[profile dev.john]` → "profile dev" › "john"), which AWS profile names may hold:
 * the dots are put back. (Its values keep AWS's meaning: secrets and tokens are base64, with
 * none of the `;` or `#` ini would read as a comment.)
 */
export function parseIni(text: string): Ini {
  const out: Ini = new Map();
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (!isSection(v)) continue; // a key outside any section: AWS files have none
      const name = prefix ? `${prefix}.${k}` : k;
      const values = Object.entries(v).filter(([, x]) => !isSection(x));
      const deeper = Object.values(v).some(isSection);
      if (values.length || !deeper) out.set(name, new Map(values.map(([kk, x]) => [kk, String(x)])));
      walk(v, name);
    }
  };
  walk(parseText(text), '');
  return out;
}

// loaded on the first read: `check` on a grading service never reads these files
let iniParse: ((text: string) => Record<string, unknown>) | undefined;
const parseText = (text: string) => (iniParse ??= (createRequire(import.meta.url)('ini') as { parse: (t: string) => Record<string, unknown> }).parse)(text);

const isSection = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Write one back. Not `ini.stringify`: it quotes values holding `=` (every session token) and
 * escapes the dots of section names, and the AWS CLI would read those quotes and backslashes
 * literally. AWS's format is plain `key = value` lines under `[section]`.
 */
export function formatIni(ini: Ini): string {
  return [...ini].map(([name, kv]) => `[${name}]\n${[...kv].map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('\n');
}

function read(file: string): Ini {
  try {
    return parseIni(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
}

const configSection = (profile: string) => (profile === 'default' ? 'default' : `profile ${profile}`);

export class LabAwsFiles {
  constructor(
    private readonly paths: AwsFilePaths,
    private readonly endpoint: string,
    private readonly region: string,
  ) {}

  /** Fresh files holding only the root profile (on start of a new session, and on reset). */
  init(root: Credentials): void {
    fs.mkdirSync(this.paths.awsDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.paths.awsConfig, '');
    writeFileAtomic(this.paths.awsCredentials, '');
    this.set('default', root);
  }

  /**
   * A lab that continues on a restarted backend: keep every profile (the seeded users' keys and
   * the ones the learner made, e.g. samy) but point them all at the backend's current endpoint.
   */
  refresh(root: Credentials): void {
    const names = this.names();
    if (names.length === 0) return this.init(root);
    for (const name of names) {
      const creds = name === 'default' ? root : this.get(name);
      if (creds) this.set(name, creds);
    }
  }

  get(name: string): Credentials | undefined {
    const s = read(this.paths.awsCredentials).get(name);
    const id = s?.get('aws_access_key_id');
    const secret = s?.get('aws_secret_access_key');
    if (!id || !secret) return undefined;
    const token = s?.get('aws_session_token');
    return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
  }

  set(name: string, creds: Credentials): void {
    const cred = read(this.paths.awsCredentials);
    cred.set(
      name,
      new Map([
        ['aws_access_key_id', creds.accessKeyId],
        ['aws_secret_access_key', creds.secretAccessKey],
        ...(creds.sessionToken ? [['aws_session_token', creds.sessionToken] as [string, string]] : []),
      ]),
    );
    const conf = read(this.paths.awsConfig);
    const sec = conf.get(configSection(name)) ?? new Map<string, string>();
    sec.set('region', this.region);
    sec.set('output', 'json');
    // AWS CLI v1 prints times as they travel by default: CloudTrail's EventTime, for one, as
    // seconds since 1970. ISO 8601 is what v2 prints, and what the chapters show.
    sec.set('cli_timestamp_format', 'iso8601');
    sec.set('endpoint_url', this.endpoint);
    conf.set(configSection(name), sec);
    fs.mkdirSync(this.paths.awsDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.paths.awsCredentials, formatIni(cred));
    writeFileAtomic(this.paths.awsConfig, formatIni(conf));
  }

  remove(name: string): void {
    const cred = read(this.paths.awsCredentials);
    const conf = read(this.paths.awsConfig);
    if (cred.delete(name)) writeFileAtomic(this.paths.awsCredentials, formatIni(cred));
    if (conf.delete(configSection(name))) writeFileAtomic(this.paths.awsConfig, formatIni(conf));
  }

  names(): string[] {
    return [...read(this.paths.awsCredentials).keys()];
  }
}
