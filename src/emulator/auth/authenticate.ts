/**
 * Access key → principal. Conventions (LocalStack's): access key `test` is the default account's
 * root, and a 12-digit access key id is the root of that account; both sign with the secret
 * `test`, and their signatures are verified like any other key's (a page that forges a presigned
 * URL with any signature must not act as root). On a shared server (workshop) each account's root
 * signs with the secret the server handed out, and `test` is refused. Keys issued by
 * CreateAccessKey and by STS are verified against their secret.
 */
import { AwsError, ExpiredToken, InvalidClientTokenId, SignatureDoesNotMatch } from '../errors.js';
import { nameKey } from '../iam/models.js';
import type { Emulator, IncomingRequest } from '../types.js';
import { rootPrincipal, type Principal } from './principal.js';
import { signatureMatches, type SigV4Auth } from './sigv4.js';

export const ROOT_ACCESS_KEY = 'test';
/** The secret of `test` and of the 12-digit root keys on a single-learner emulator. */
export const ROOT_SECRET = 'test';

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** S3 words the same failures differently (and with other codes). */
function s3Flavour(service: string, err: AwsError): AwsError {
  if (service !== 's3') return err;
  if (err.code === 'InvalidClientTokenId') {
    return new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
  }
  if (err.code === 'SignatureDoesNotMatch') {
    return new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
    );
  }
  if (err.code === 'ExpiredToken') return new AwsError('ExpiredToken', 'The provided token has expired.', 400);
  return err;
}

export function authenticate(emulator: Emulator, req: IncomingRequest, auth: SigV4Auth): Principal {
  try {
    return resolve(emulator, req, auth);
  } catch (e) {
    if (e instanceof AwsError) throw s3Flavour(auth.service, e);
    throw e;
  }
}

function resolve(emulator: Emulator, req: IncomingRequest, auth: SigV4Auth): Principal {
  const { state } = emulator;
  const id = auth.accessKeyId;
  const { rootSecret } = emulator.config;
  if (rootSecret) {
    // Shared server: only accounts handed out by the server, each signing with its own secret.
    if (/^\d{12}$/.test(id)) {
      const secret = rootSecret(id);
      if (!secret) throw new InvalidClientTokenId(INVALID_TOKEN);
      if (!signatureMatches(req, auth, secret)) throw new SignatureDoesNotMatch(BAD_SIGNATURE);
      return rootPrincipal(id, id);
    }
    if (id === ROOT_ACCESS_KEY) throw new InvalidClientTokenId(INVALID_TOKEN);
  } else if (id === ROOT_ACCESS_KEY || /^\d{12}$/.test(id)) {
    if (!signatureMatches(req, auth, ROOT_SECRET)) throw new SignatureDoesNotMatch(BAD_SIGNATURE);
    return rootPrincipal(id === ROOT_ACCESS_KEY ? state.defaultAccountId : id, id);
  }

  const found = state.findKey(id);
  if (!found) throw new InvalidClientTokenId(INVALID_TOKEN);
  const { account } = found;

  if (found.kind === 'iam') {
    const key = account.iam.accessKeys[id];
    if (key.status !== 'Active') throw new InvalidClientTokenId(INVALID_TOKEN);
    if (!signatureMatches(req, auth, key.secretAccessKey)) throw new SignatureDoesNotMatch(BAD_SIGNATURE);
    const user = account.iam.users[nameKey(key.userName)];
    if (!user) throw new InvalidClientTokenId(INVALID_TOKEN);
    if (!req.observer) key.lastUsed = { date: new Date().toISOString(), serviceName: auth.service, region: auth.region };
    return { kind: 'user', accountId: account.accountId, arn: user.arn, userId: user.userId, userName: user.userName, accessKeyId: id };
  }

  const session = account.sts.sessions[id];
  if (!auth.securityToken || auth.securityToken !== session.sessionToken) throw new InvalidClientTokenId(INVALID_TOKEN);
  if (Date.parse(session.expiration) <= Date.now()) throw new ExpiredToken('The security token included in the request is expired');
  if (!signatureMatches(req, auth, session.secretAccessKey)) throw new SignatureDoesNotMatch(BAD_SIGNATURE);

  const base = { accountId: account.accountId, accessKeyId: id, session, mfaAuthenticatedAt: session.mfaAuthenticatedAt };
  if (session.kind === 'assumed-role') {
    const role = account.iam.roles[nameKey(session.roleName ?? '')];
    if (!role) throw new InvalidClientTokenId(INVALID_TOKEN);
    if (!req.observer) role.roleLastUsed = { date: new Date().toISOString(), region: auth.region };
    return {
      ...base,
      kind: 'assumed-role',
      arn: `arn:aws:sts::${account.accountId}:assumed-role/${role.roleName}/${session.roleSessionName}`,
      userId: `${role.roleId}:${session.roleSessionName}`,
      roleName: role.roleName,
      roleArn: role.arn,
      roleId: role.roleId,
      sessionName: session.roleSessionName ?? '',
    };
  }
  if (session.kind === 'federated-user') {
    const name = session.federatedName ?? '';
    return {
      ...base,
      kind: 'federated-user',
      arn: `arn:aws:sts::${account.accountId}:federated-user/${name}`,
      userId: `${account.accountId}:${name}`,
      federatedName: name,
      ...(session.userName ? { userName: session.userName } : {}),
    };
  }
  // GetSessionToken: same identity as the caller that asked for it, plus MFA facts.
  if (!session.userName) return { ...rootPrincipal(account.accountId, id), ...base };
  const user = account.iam.users[nameKey(session.userName)];
  if (!user) throw new InvalidClientTokenId(INVALID_TOKEN);
  return { ...base, kind: 'user', arn: user.arn, userId: user.userId, userName: user.userName };
}
