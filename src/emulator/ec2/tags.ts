/** CreateTags, DeleteTags and DescribeTags for instances (the only EC2 resources the emulator keeps). */
import type { Ec2Params } from '../protocol/ec2-query.js';
import type { RequestContext } from '../types.js';
import { InvalidParameterValue, MissingParameter } from './errors.js';
import { applyFilters } from './filters.js';
import { dryRun, regionInstances, requireInstances } from './instances.js';

function resourceIds(p: Ec2Params): string[] {
  const ids = p.list('ResourceId');
  if (!ids.length) throw MissingParameter('The request must contain the parameter ResourceId');
  for (const id of ids) if (!id.startsWith('i-')) throw InvalidParameterValue(`Value (${id}) for parameter resourceId is invalid. Only instances can be tagged in this emulator.`);
  return ids;
}

export function createTags(ctx: RequestContext, p: Ec2Params) {
  const instances = requireInstances(ctx, resourceIds(p));
  const tags = p.tags();
  if (!tags.length) throw MissingParameter('The request must contain the parameter Tag');
  dryRun(p);
  for (const i of instances) {
    for (const t of tags) {
      const existing = i.tags.find((x) => x.Key === t.Key);
      if (existing) existing.Value = t.Value;
      else i.tags.push({ Key: t.Key, Value: t.Value });
    }
    if (i.tags.length > 50) throw InvalidParameterValue('Instances can have at most 50 tags.');
  }
  return { return: true };
}

export function deleteTags(ctx: RequestContext, p: Ec2Params) {
  const instances = requireInstances(ctx, resourceIds(p));
  const tags = p.structs('Tag').map((t) => ({ Key: t.str('Key') ?? '', Value: t.str('Value') }));
  dryRun(p);
  for (const i of instances) {
    i.tags = tags.length ? i.tags.filter((x) => !tags.some((t) => t.Key === x.Key && (t.Value === undefined || t.Value === x.Value))) : [];
  }
  return { return: true };
}

export function describeTags(ctx: RequestContext, p: Ec2Params) {
  dryRun(p);
  const rows = regionInstances(ctx).flatMap((i) => i.tags.map((t) => ({ resourceId: i.instanceId, resourceType: 'instance', key: t.Key, value: t.Value })));
  const filtered = applyFilters(rows, p.filters(), {
    'resource-id': (r) => [r.resourceId],
    'resource-type': (r) => [r.resourceType],
    key: (r) => [r.key],
    value: (r) => [r.value],
  });
  return { tagSet: filtered };
}
