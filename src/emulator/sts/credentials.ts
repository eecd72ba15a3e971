/** Issuing temporary credentials: ASIA… key ids, a secret, a session token, an expiration. */
import crypto from 'node:crypto';
import { newId, newSecret } from '../iam/util.js';
import type { AccountState } from '../state/account.js';
import type { StsSession } from './models.js';

/** Issue a session and store it in `account` (the role's account for AssumeRole), where authenticate.ts looks. */
export function issueSession(
  account: AccountState,
  durationSeconds: number,
  fields: Omit<StsSession, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>,
): StsSession {
  const session: StsSession = {
    accessKeyId: newId('ASIA', 20),
    secretAccessKey: newSecret(),
    // Real tokens are long opaque blobs; SDKs and CLIs only pass them back.
    sessionToken: `IQoJb3JpZ2luX2VjE${crypto.randomBytes(96).toString('base64')}`,
    expiration: new Date(Date.now() + durationSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...fields,
  };
  pruneExpired(account);
  account.sts.sessions[session.accessKeyId] = session;
  return session;
}

/** Drop sessions that expired more than a day ago, so persisted state does not grow forever. */
function pruneExpired(account: AccountState): void {
  const cutoff = Date.now() - 24 * 3600 * 1000;
  for (const [id, s] of Object.entries(account.sts.sessions)) {
    if (Date.parse(s.expiration) < cutoff) delete account.sts.sessions[id];
  }
}

export function credentialsShape(s: StsSession) {
  return {
    AccessKeyId: s.accessKeyId,
    SecretAccessKey: s.secretAccessKey,
    SessionToken: s.sessionToken,
    Expiration: new Date(s.expiration),
  };
}
