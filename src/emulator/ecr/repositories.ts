/** Repositories, their policies, and registry login tokens. */
import crypto from 'node:crypto';
import { policyEngine } from '../../policy/index.js';
import type { JsonInput } from '../protocol/json-rpc-service.js';
import { emptyRecord, getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { InvalidParameter, RepositoryAlreadyExists, RepositoryNotEmpty, RepositoryNotFound, RepositoryPolicyNotFound } from './errors.js';
import { ecrState, type Repository, repositoryKey } from './models.js';
import { registryAccount, repositoryArn, repositoryShape, requireRepository, validateRepositoryName } from './store.js';

export function createRepository(ctx: RequestContext, input: JsonInput) {
  const name = validateRepositoryName(input.repositoryName);
  const account = registryAccount(ctx, input);
  const repos = ecrState(account).repositories;
  const key = repositoryKey(ctx.region, name);
  if (getRecord(repos, key)) throw RepositoryAlreadyExists(name, account.accountId);
  const mutability = input.imageTagMutability ?? 'MUTABLE';
  if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
    throw InvalidParameter(`Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'`);
  }
  const scanning = input.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
  const encryption = input.encryptionConfiguration as { encryptionType?: string } | undefined;
  const repo: Repository = {
    name,
    arn: repositoryArn(ctx.region, account.accountId, name),
    region: ctx.region,
    registryId: account.accountId,
    uri: `${account.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
    createdAt: new Date().toISOString(),
    imageTagMutability: mutability,
    scanOnPush: !!scanning?.scanOnPush,
    encryptionType: encryption?.encryptionType ?? 'AES256',
    images: emptyRecord(),
    imageTags: emptyRecord(),
    tags: Array.isArray(input.tags) ? (input.tags as Array<{ Key: string; Value: string }>) : [],
  };
  repos[key] = repo;
  return { repository: repositoryShape(repo) };
}

export function describeRepositories(ctx: RequestContext, input: JsonInput) {
  const account = registryAccount(ctx, input);
  const repos = ecrState(account).repositories;
  const names = Array.isArray(input.repositoryNames) ? (input.repositoryNames as unknown[]).map(String) : undefined;
  let list: Repository[];
  if (names) {
    list = names.map((n) => {
      const r = getRecord(repos, repositoryKey(ctx.region, n));
      if (!r) throw RepositoryNotFound(n, account.accountId);
      return r;
    });
  } else {
    list = Object.values(repos)
      .filter((r) => r.region === ctx.region)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  const max = typeof input.maxResults === 'number' ? input.maxResults : 100;
  if (max < 1 || max > 1000) throw InvalidParameter("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'");
  const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString('utf8')) || 0 : 0;
  const page = list.slice(start, start + max);
  const next = start + max < list.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
  return { repositories: page.map(repositoryShape), ...(next ? { nextToken: next } : {}) };
}

export function deleteRepository(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  if (Object.keys(repo.images).length && input.force !== true) throw RepositoryNotEmpty(repo.name, repo.registryId);
  delete ecrState(registryAccount(ctx, input)).repositories[repositoryKey(repo.region, repo.name)];
  return { repository: repositoryShape(repo) };
}

export function setRepositoryPolicy(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  const text = input.policyText;
  if (typeof text !== 'string' || !text || policyEngine.validate(text, 'resource').length) {
    throw InvalidParameter("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'");
  }
  repo.policy = text;
  return { registryId: repo.registryId, repositoryName: repo.name, policyText: text };
}

export function getRepositoryPolicy(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  if (!repo.policy) throw RepositoryPolicyNotFound(repo.name, repo.registryId);
  return { registryId: repo.registryId, repositoryName: repo.name, policyText: repo.policy };
}

export function deleteRepositoryPolicy(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  if (!repo.policy) throw RepositoryPolicyNotFound(repo.name, repo.registryId);
  const policyText = repo.policy;
  delete repo.policy;
  return { registryId: repo.registryId, repositoryName: repo.name, policyText };
}

/** A Docker registry login: "AWS:<password>", base64, valid 12 hours (`aws ecr get-login-password` prints the password). */
export function getAuthorizationToken(ctx: RequestContext) {
  const password = crypto.randomBytes(96).toString('base64');
  return {
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: new Date(Date.now() + 12 * 3600 * 1000),
        proxyEndpoint: `https://${ctx.account.accountId}.dkr.ecr.${ctx.region}.amazonaws.com`,
      },
    ],
  };
}
