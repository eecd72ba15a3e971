/**
 * ECR's routing table. Actions and resources per the Service Authorization Reference: every
 * repository action on `arn:aws:ecr:<region>:<registry>:repository/<name>`, checked together with
 * the repository's policy; GetAuthorizationToken has no resource type ("*").
 */
import type { JsonInput } from '../protocol/json-rpc-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';
import type { RequestContext } from '../types.js';
import * as images from './images.js';
import * as repos from './repositories.js';
import { findRepository, registryAccount, repositoryArn } from './store.js';

type Op = ServiceOperation<JsonInput>;

const onRepository = (action: string, handler: Op['handler'], readOnly = false): Op => ({
  action,
  readOnly,
  resource: (ctx: RequestContext, input: JsonInput) => repositoryArn(ctx.region, registryAccount(ctx, input).accountId, String(input.repositoryName ?? '')),
  resourcePolicy: (ctx: RequestContext, input: JsonInput) => ({ accountId: registryAccount(ctx, input).accountId, document: findRepository(ctx, input)?.policy }),
  stateAccount: (ctx: RequestContext, input: JsonInput) => registryAccount(ctx, input).accountId,
  handler,
});

export const ecrOperations: Record<string, Op> = Object.assign(Object.create(null), {
  CreateRepository: onRepository('ecr:CreateRepository', repos.createRepository),
  DescribeRepositories: {
    action: 'ecr:DescribeRepositories',
    readOnly: true,
    // without names the call lists the registry: repository/* (each named repository otherwise)
    authorize: async (ctx: RequestContext, input: JsonInput) => {
      const account = registryAccount(ctx, input).accountId;
      const names = Array.isArray(input.repositoryNames) ? (input.repositoryNames as unknown[]).map(String) : ['*'];
      for (const name of names) {
        await ctx.authorize({
          action: 'ecr:DescribeRepositories',
          resource: repositoryArn(ctx.region, account, name),
          resourceAccount: account,
          ...(name !== '*' ? { resourcePolicy: findRepository(ctx, { ...input, repositoryName: name })?.policy } : {}),
        });
      }
    },
    handler: repos.describeRepositories,
  },
  DeleteRepository: onRepository('ecr:DeleteRepository', repos.deleteRepository),
  GetAuthorizationToken: { action: 'ecr:GetAuthorizationToken', readOnly: true, handler: repos.getAuthorizationToken },
  SetRepositoryPolicy: onRepository('ecr:SetRepositoryPolicy', repos.setRepositoryPolicy),
  GetRepositoryPolicy: onRepository('ecr:GetRepositoryPolicy', repos.getRepositoryPolicy, true),
  DeleteRepositoryPolicy: onRepository('ecr:DeleteRepositoryPolicy', repos.deleteRepositoryPolicy),
  PutImage: onRepository('ecr:PutImage', images.putImage),
  BatchGetImage: onRepository('ecr:BatchGetImage', images.batchGetImage, true),
  ListImages: onRepository('ecr:ListImages', images.listImages, true),
  DescribeImages: onRepository('ecr:DescribeImages', images.describeImages, true),
  BatchDeleteImage: onRepository('ecr:BatchDeleteImage', images.batchDeleteImage),
} satisfies Record<string, Op>);
