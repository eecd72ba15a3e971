/** SSH public keys (for CodeCommit): Upload/Get/List/Update/Delete, at most 5 per user. */
import { AwsError, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations, checkPaging } from '../constraints.js';
import { parseSshPublicKey, sshFingerprint, sshKeyEncoded } from '../key-material.js';
import type { CredentialStatus, SshPublicKey } from '../models.js';
import { getUser, iam, newId, nowIso, paginate } from '../util.js';
import { targetUserName } from './caller.js';
import { STATUSES, checkUserName, sameUser, userResource } from './credential-common.js';

export const SSH_KEYS_PER_USER = 5;
const err = (code: string, message: string) => new AwsError(code, message, 400);

const sshShape = (k: SshPublicKey, body: string) => ({
  UserName: k.userName,
  SSHPublicKeyId: k.id,
  Fingerprint: k.fingerprint,
  SSHPublicKeyBody: body,
  Status: k.status,
  UploadDate: new Date(k.uploadDate),
});

function findSshKey(ctx: RequestContext, userName: string, id: string): SshPublicKey {
  const key = iam(ctx).sshPublicKeys[id];
  if (!key || !sameUser(key.userName, userName)) throw new NoSuchEntity(`The Public Key with id ${id} cannot be found.`);
  return key;
}

function checkSshIdParams(ctx: RequestContext, p: QueryParams): { userName: string; id: string } {
  const userName = p.required('UserName');
  const id = p.required('SSHPublicKeyId');
  checkUserName(p, new Violations()).string(id, 'sSHPublicKeyId', { min: 20, max: 128, pattern: PATTERNS.word }).done();
  return { userName: getUser(ctx, userName).userName, id };
}

export const sshKeyOperations: QueryOperationTable = {
  UploadSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const userName = p.required('UserName');
      const body = p.required('SSHPublicKeyBody');
      checkUserName(p, new Violations()).string(body, 'sSHPublicKeyBody', { min: 1, max: 16384, pattern: PATTERNS.document }).done();
      const user = getUser(ctx, userName);
      const parsed = parseSshPublicKey(body);
      if (!parsed) throw err('UnrecognizedPublicKeyEncoding', 'The encoding of the public key is not recognized. Provide the key in ssh-rsa or PEM format.');
      if (parsed.bits < 2048 || parsed.bits > 16384) throw err('InvalidPublicKey', 'The public key must be an RSA key between 2048 and 16384 bits long.');
      const state = iam(ctx);
      const mine = Object.values(state.sshPublicKeys).filter((k) => sameUser(k.userName, user.userName));
      const fingerprint = sshFingerprint(parsed.blob);
      if (mine.some((k) => k.fingerprint === fingerprint)) throw err('DuplicateSSHPublicKey', 'The SSH public key is already associated with the specified IAM user.');
      if (mine.length >= SSH_KEYS_PER_USER) throw new LimitExceeded(`Cannot exceed quota for PublicKeysPerUser: ${SSH_KEYS_PER_USER}`);
      const key: SshPublicKey = { id: newId('APKA'), userName: user.userName, body: body.trim(), fingerprint, status: 'Active', uploadDate: nowIso() };
      state.sshPublicKeys[key.id] = key;
      return { SSHPublicKey: sshShape(key, key.body) };
    },
  },
  GetSSHPublicKey: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      const encoding = p.required('Encoding');
      new Violations().oneOf(encoding, 'encoding', ['SSH', 'PEM']).done();
      const key = findSshKey(ctx, userName, id);
      const parsed = parseSshPublicKey(key.body);
      return { SSHPublicKey: sshShape(key, parsed ? sshKeyEncoded(parsed, encoding as 'SSH' | 'PEM') : key.body) };
    },
  },
  ListSSHPublicKeys: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      checkPaging(p, checkUserName(p, new Violations())).done();
      const name = targetUserName(ctx, p);
      const keys = name ? Object.values(iam(ctx).sshPublicKeys).filter((k) => sameUser(k.userName, getUser(ctx, name).userName)) : [];
      const { page, ...more } = paginate(keys.sort((a, b) => a.uploadDate.localeCompare(b.uploadDate)), p);
      return {
        SSHPublicKeys: page.map((k) => ({ UserName: k.userName, SSHPublicKeyId: k.id, Status: k.status, UploadDate: new Date(k.uploadDate) })),
        ...more,
      };
    },
  },
  UpdateSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      const status = p.required('Status');
      new Violations().oneOf(status, 'status', STATUSES).done();
      findSshKey(ctx, userName, id).status = status as CredentialStatus;
      return undefined;
    },
  },
  DeleteSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      findSshKey(ctx, userName, id);
      delete iam(ctx).sshPublicKeys[id];
      return undefined;
    },
  },
};
