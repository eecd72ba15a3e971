/** Associate / Replace / Disassociate / DescribeIamInstanceProfileAssociations. */
import type { Ec2Params } from '../protocol/ec2-query.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { IncorrectInstanceState, IncorrectState, InvalidAssociationNotFound, InvalidParameterValue, MissingParameter } from './errors.js';
import { applyFilters } from './filters.js';
import { instanceArn } from './ids.js';
import { dryRun, regionInstances, requireInstances } from './instances.js';
import { settle } from './lifecycle.js';
import { ec2State, type ProfileAssociation } from './models.js';
import { associate, associationShape, authorizePassRole, currentAssociation, resolveProfile } from './profiles.js';

export async function associateIamInstanceProfile(ctx: RequestContext, p: Ec2Params) {
  const id = p.str('InstanceId');
  if (!id) throw MissingParameter('The request must contain the parameter InstanceId');
  const [instance] = requireInstances(ctx, [id]);
  const { profile, role } = resolveProfile(ctx, p.struct('IamInstanceProfile'));
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    throw IncorrectInstanceState(`The instance '${id}' is not in a valid state for this operation.`);
  }
  if (currentAssociation(ctx.account, id)) throw IncorrectState(`There is an existing association for instance ${id}`);
  await authorizePassRole(ctx, role, instanceArn(ctx.region, ctx.account.accountId, id));
  dryRun(p);
  return { iamInstanceProfileAssociation: associationShape(associate(ctx.account, instance, profile)) };
}

function requireAssociation(ctx: RequestContext, p: Ec2Params): ProfileAssociation {
  settle(ctx.account);
  const id = p.str('AssociationId');
  if (!id) throw MissingParameter('The request must contain the parameter AssociationId');
  const a = getRecord(ec2State(ctx.account).associations, id);
  if (!a) throw InvalidAssociationNotFound(`An association with ID ${id} does not exist.`);
  return a;
}

export async function replaceIamInstanceProfileAssociation(ctx: RequestContext, p: Ec2Params) {
  const old = requireAssociation(ctx, p);
  const [instance] = requireInstances(ctx, [old.instanceId]);
  const { profile, role } = resolveProfile(ctx, p.struct('IamInstanceProfile'));
  await authorizePassRole(ctx, role, instanceArn(ctx.region, ctx.account.accountId, instance.instanceId));
  dryRun(p);
  delete ec2State(ctx.account).associations[old.associationId];
  return { iamInstanceProfileAssociation: associationShape(associate(ctx.account, instance, profile)) };
}

export function disassociateIamInstanceProfile(ctx: RequestContext, p: Ec2Params) {
  const a = requireAssociation(ctx, p);
  dryRun(p);
  a.state = 'disassociating';
  return { iamInstanceProfileAssociation: associationShape(a) };
}

export function describeIamInstanceProfileAssociations(ctx: RequestContext, p: Ec2Params) {
  settle(ctx.account);
  const inRegion = new Set(regionInstances(ctx).map((i) => i.instanceId));
  let list = Object.values(ec2State(ctx.account).associations).filter((a) => inRegion.has(a.instanceId));
  const ids = p.list('AssociationId');
  if (ids.length) {
    const missing = ids.filter((id) => !list.some((a) => a.associationId === id));
    if (missing.length) throw InvalidAssociationNotFound(`An association with ID ${missing[0]} does not exist.`);
    list = list.filter((a) => ids.includes(a.associationId));
  }
  list = applyFilters(list, p.filters(), { 'instance-id': (a) => [a.instanceId], state: (a) => [a.state] });
  const max = p.int('MaxResults');
  if (max !== undefined && (max < 5 || max > 1000)) throw InvalidParameterValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  return { iamInstanceProfileAssociationSet: list.sort((a, b) => a.timestamp.localeCompare(b.timestamp)).map(associationShape) };
}
