/**
 * EC2's routing table, with the actions and resources of the Service Authorization Reference:
 * RunInstances on the instance, image, network interface, security group, subnet and volume (and
 * key pair), ec2:CreateTags for tags given at launch, iam:PassRole when a role reaches an instance.
 */
import type { Ec2Params } from '../protocol/ec2-query.js';
import type { ServiceOperation } from '../protocol/service-operation.js';
import type { RequestContext } from '../types.js';
import * as assoc from './associations.js';
import { defaultId, instanceArn } from './ids.js';
import * as inst from './instances.js';
import { ec2State } from './models.js';
import * as tags from './tags.js';

type Op = ServiceOperation<Ec2Params>;

const ec2Arn = (ctx: RequestContext, type: string, id: string, account = ctx.account.accountId) => `arn:aws:ec2:${ctx.region}:${account}:${type}/${id}`;

async function authorizeRunInstances(ctx: RequestContext, p: Ec2Params): Promise<void> {
  const a = ctx.account.accountId;
  const resources = [
    ec2Arn(ctx, 'instance', '*'),
    `arn:aws:ec2:${ctx.region}::image/${p.str('ImageId') ?? '*'}`,
    ec2Arn(ctx, 'network-interface', '*'),
    ec2Arn(ctx, 'security-group', p.list('SecurityGroupId')[0] ?? defaultId('sg', a, ctx.region)),
    ec2Arn(ctx, 'subnet', p.str('SubnetId') ?? defaultId('subnet', a, ctx.region)),
    ec2Arn(ctx, 'volume', '*'),
    ...(p.str('KeyName') ? [ec2Arn(ctx, 'key-pair', p.str('KeyName')!)] : []),
  ];
  for (const resource of resources) await ctx.authorize({ action: 'ec2:RunInstances', resource });
  if (inst.instanceTagSpecs(p).length) {
    await ctx.authorize({ action: 'ec2:CreateTags', resource: ec2Arn(ctx, 'instance', '*'), context: { 'ec2:CreateAction': 'RunInstances' } });
  }
}

/** Each named instance (AWS checks every resource of a multi-instance call). */
const onInstances = (action: string, idsOf: (p: Ec2Params) => string[], handler: Op['handler']): Op => ({
  action,
  authorize: async (ctx, p) => {
    for (const id of idsOf(p)) await ctx.authorize({ action, resource: instanceArn(ctx.region, ctx.account.accountId, id) });
  },
  handler,
});

const associationInstance = (ctx: RequestContext, p: Ec2Params): string[] => {
  const id = p.str('AssociationId');
  const a = id && Object.hasOwn(ec2State(ctx.account).associations, id) ? ec2State(ctx.account).associations[id] : undefined;
  return [a?.instanceId ?? '*'];
};

export const ec2Operations: Record<string, Op> = Object.assign(Object.create(null), {
  RunInstances: { action: 'ec2:RunInstances', authorize: authorizeRunInstances, handler: inst.runInstances },
  DescribeInstances: { action: 'ec2:DescribeInstances', readOnly: true, handler: inst.describeInstances },
  DescribeInstanceAttribute: { ...onInstances('ec2:DescribeInstanceAttribute', (p) => [p.str('InstanceId') ?? '*'], inst.describeInstanceAttribute), readOnly: true },
  TerminateInstances: onInstances('ec2:TerminateInstances', (p) => p.list('InstanceId'), inst.terminateInstances),
  ModifyInstanceMetadataOptions: onInstances('ec2:ModifyInstanceMetadataOptions', (p) => [p.str('InstanceId') ?? '*'], inst.modifyInstanceMetadataOptions),
  AssociateIamInstanceProfile: onInstances('ec2:AssociateIamInstanceProfile', (p) => [p.str('InstanceId') ?? '*'], assoc.associateIamInstanceProfile),
  ReplaceIamInstanceProfileAssociation: {
    action: 'ec2:ReplaceIamInstanceProfileAssociation',
    authorize: async (ctx, p) => {
      for (const id of associationInstance(ctx, p)) await ctx.authorize({ action: 'ec2:ReplaceIamInstanceProfileAssociation', resource: instanceArn(ctx.region, ctx.account.accountId, id) });
    },
    handler: assoc.replaceIamInstanceProfileAssociation,
  },
  DisassociateIamInstanceProfile: {
    action: 'ec2:DisassociateIamInstanceProfile',
    authorize: async (ctx, p) => {
      for (const id of associationInstance(ctx, p)) await ctx.authorize({ action: 'ec2:DisassociateIamInstanceProfile', resource: instanceArn(ctx.region, ctx.account.accountId, id) });
    },
    handler: assoc.disassociateIamInstanceProfile,
  },
  DescribeIamInstanceProfileAssociations: { action: 'ec2:DescribeIamInstanceProfileAssociations', readOnly: true, handler: assoc.describeIamInstanceProfileAssociations },
  CreateTags: onInstances('ec2:CreateTags', (p) => p.list('ResourceId'), tags.createTags),
  DeleteTags: onInstances('ec2:DeleteTags', (p) => p.list('ResourceId'), tags.deleteTags),
  DescribeTags: { action: 'ec2:DescribeTags', readOnly: true, handler: tags.describeTags },
} satisfies Record<string, Op>);
