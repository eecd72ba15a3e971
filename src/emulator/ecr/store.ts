/**
 * Repositories live in the registry (account) named by registryId, or the caller's own; a call on
 * another account's repository is authorized with that repository's policy (cross-account: the
 * caller's identity policy and the repository policy must both allow).
 */
import type { JsonInput } from '../protocol/json-rpc-service.js';
import type { AccountState } from '../state/account.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { InvalidParameter, RepositoryNotFound } from './errors.js';
import { ecrState, type Repository, repositoryKey } from './models.js';

const NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function validateRepositoryName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 2 || name.length > 256 || !NAME_RE.test(name)) {
    throw InvalidParameter(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''",
    );
  }
  return name;
}

/** The account whose registry the call addresses. */
export function registryAccount(ctx: RequestContext, input: JsonInput): AccountState {
  const id = input.registryId;
  if (id === undefined || id === null || id === '') return ctx.account;
  if (typeof id !== 'string' || !/^\d{12}$/.test(id)) {
    throw InvalidParameter("Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''");
  }
  return ctx.emulator.state.account(id);
}

export const repositoryArn = (region: string, accountId: string, name: string) => `arn:aws:ecr:${region}:${accountId}:repository/${name}`;

export function findRepository(ctx: RequestContext, input: JsonInput): Repository | undefined {
  const account = registryAccount(ctx, input);
  return getRecord(ecrState(account).repositories, repositoryKey(ctx.region, String(input.repositoryName ?? '')));
}

export function requireRepository(ctx: RequestContext, input: JsonInput): Repository {
  const repo = findRepository(ctx, input);
  if (!repo) throw RepositoryNotFound(String(input.repositoryName ?? ''), registryAccount(ctx, input).accountId);
  return repo;
}

export function repositoryShape(r: Repository) {
  return {
    repositoryArn: r.arn,
    registryId: r.registryId,
    repositoryName: r.name,
    repositoryUri: r.uri,
    createdAt: new Date(r.createdAt),
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType },
  };
}
