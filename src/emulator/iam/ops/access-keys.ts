/**
 * Access keys: Create/List/Update/DeleteAccessKey and GetAccessKeyLastUsed. The keys are real:
 * auth/authenticate.ts verifies signatures with their secret and records their last use.
 */
import { requestedAt } from '../../cloudtrail/request-time.js';
import { AccessDenied, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type AccessKey } from '../models.js';
import { getUser, iam, newId, newSecret, paginate } from '../util.js';
import { requiredTargetUserName, targetUserName, userArnOf } from './caller.js';

export const ACCESS_KEYS_PER_USER = 2;

/** A user's keys, oldest first (the order AWS lists them and the credential report numbers them). */
export function keysOfUser(ctx: RequestContext, userName: string): AccessKey[] {
  const key = nameKey(userName);
  return Object.values(iam(ctx).accessKeys)
    .filter((k) => nameKey(k.userName) === key)
    .sort((a, b) => a.createDate.localeCompare(b.createDate));
}

/**
 * The key, checked to belong to `userName` (AWS answers NoSuchEntity otherwise). `null` means
 * "any user" (GetAccessKeyLastUsed); `undefined` is the root user, who owns no IAM user's key.
 */
function findKey(ctx: RequestContext, accessKeyId: string, userName: string | undefined | null): AccessKey {
  const k = iam(ctx).accessKeys[accessKeyId];
  if (!k || (userName !== null && (userName === undefined || nameKey(k.userName) !== nameKey(userName)))) {
    throw new NoSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  }
  return k;
}

function validateAccessKeyId(id: string): void {
  if (id.length < 16 || id.length > 128 || !/^[\w]+$/.test(id)) {
    throw new ValidationError(
      `1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+`,
    );
  }
}

const metadata = (k: AccessKey) => ({
  UserName: k.userName,
  AccessKeyId: k.accessKeyId,
  Status: k.status,
  CreateDate: new Date(k.createDate),
});

export const accessKeyOperations: QueryOperationTable = {
  CreateAccessKey: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const user = getUser(ctx, requiredTargetUserName(ctx, p));
      if (keysOfUser(ctx, user.userName).length >= ACCESS_KEYS_PER_USER) {
        throw new LimitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
      }
      const key: AccessKey = {
        accessKeyId: newId('AKIA', 20),
        secretAccessKey: newSecret(),
        userName: user.userName,
        status: 'Active',
        createDate: requestedAt(ctx),
      };
      iam(ctx).accessKeys[key.accessKeyId] = key;
      return { AccessKey: { ...metadata(key), SecretAccessKey: key.secretAccessKey } };
    },
  },
  ListAccessKeys: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const name = targetUserName(ctx, p);
      // The root user's own keys are not IAM keys; the emulator's root key `test` is not listed.
      const keys = name ? keysOfUser(ctx, getUser(ctx, name).userName) : [];
      const { page, ...more } = paginate(keys, p);
      return { AccessKeyMetadata: page.map(metadata), ...more };
    },
  },
  UpdateAccessKey: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const id = p.required('AccessKeyId');
      const status = p.required('Status');
      if (status !== 'Active' && status !== 'Inactive') {
        throw new ValidationError(
          `1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      }
      validateAccessKeyId(id);
      const name = targetUserName(ctx, p);
      if (name) getUser(ctx, name);
      findKey(ctx, id, name).status = status;
      return undefined;
    },
  },
  DeleteAccessKey: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const id = p.required('AccessKeyId');
      validateAccessKeyId(id);
      const name = targetUserName(ctx, p);
      if (name) getUser(ctx, name);
      findKey(ctx, id, name);
      delete iam(ctx).accessKeys[id];
      return undefined;
    },
  },
  GetAccessKeyLastUsed: {
    readOnly: true,
    // Any key of the account may be asked about; AWS authorizes it against the key owner's ARN.
    resource: (ctx, p) => {
      const k = iam(ctx).accessKeys[p.str('AccessKeyId') ?? ''];
      return k ? userArnOf(ctx, k.userName) : '*';
    },
    handler: (ctx, p) => {
      const id = p.required('AccessKeyId');
      validateAccessKeyId(id);
      if (!iam(ctx).accessKeys[id] && ctx.principal.kind === 'assumed-role') {
        // A role session cannot be authorized on a key that names no user: IAM denies it.
        throw new AccessDenied(`User: ${ctx.principal.arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${id}`);
      }
      const k = findKey(ctx, id, null);
      return {
        UserName: k.userName,
        AccessKeyLastUsed: k.lastUsed
          ? { LastUsedDate: new Date(k.lastUsed.date), ServiceName: k.lastUsed.serviceName, Region: k.lastUsed.region }
          : { ServiceName: 'N/A', Region: 'N/A' },
      };
    },
  },
};
