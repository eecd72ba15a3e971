/** RunInstances, DescribeInstances, TerminateInstances and ModifyInstanceMetadataOptions. */
import { AwsError } from '../errors.js';
import type { Ec2Params } from '../protocol/ec2-query.js';
import type { RequestContext } from '../types.js';
import {
  DryRunOperation,
  InvalidParameterCombination,
  InvalidParameterValue,
  MissingParameter,
  invalidInstanceIds,
  malformedAmiId,
  malformedInstanceId,
} from './errors.js';
import { applyFilters } from './filters.js';
import { instanceTerminated } from './hooks.js';
import { AMI_ID, INSTANCE_ID, defaultId, newEc2Id, privateIp } from './ids.js';
import { isGone, setState, settle, STATE_CODES } from './lifecycle.js';
import { ec2State, type Ec2Tag, type Instance, type MetadataOptions } from './models.js';
import { associate, authorizePassRole, currentAssociation, resolveProfile } from './profiles.js';
import { instanceShape, reservationShape, stateShape } from './shapes.js';

export function dryRun(p: Ec2Params): void {
  if (p.bool('DryRun')) throw DryRunOperation();
}

/** The instances of the caller's region, settled (transitional states moved on). */
export function regionInstances(ctx: RequestContext): Instance[] {
  settle(ctx.account);
  return Object.values(ec2State(ctx.account).instances)
    .filter((i) => i.region === ctx.region)
    .sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.amiLaunchIndex - b.amiLaunchIndex);
}

/** The named instances (EC2's NotFound/Malformed errors otherwise). */
export function requireInstances(ctx: RequestContext, ids: string[]): Instance[] {
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw malformedInstanceId(id);
  const all = new Map(regionInstances(ctx).map((i) => [i.instanceId, i]));
  const missing = ids.filter((id) => !all.has(id));
  if (missing.length) throw invalidInstanceIds(missing);
  return ids.map((id) => all.get(id)!);
}

function metadataOptions(p: Ec2Params): MetadataOptions {
  const m = p.struct('MetadataOptions');
  const tokens = m?.str('HttpTokens') ?? 'optional';
  if (tokens !== 'optional' && tokens !== 'required') throw InvalidParameterValue(`Value (${tokens}) for parameter HttpTokens is invalid. Valid values: optional, required`);
  const endpoint = m?.str('HttpEndpoint') ?? 'enabled';
  if (endpoint !== 'enabled' && endpoint !== 'disabled') throw InvalidParameterValue(`Value (${endpoint}) for parameter HttpEndpoint is invalid. Valid values: enabled, disabled`);
  const hops = m?.int('HttpPutResponseHopLimit') ?? 2;
  if (hops < 1 || hops > 64) throw InvalidParameterValue(`Value (${hops}) for parameter HttpPutResponseHopLimit is invalid. Valid values: 1-64`);
  return { httpTokens: tokens, httpEndpoint: endpoint, httpPutResponseHopLimit: hops };
}

function userData(p: Ec2Params): string | undefined {
  const data = p.str('UserData');
  if (data === undefined || data === '') return undefined;
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(data)) throw InvalidParameterValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(data, 'base64').length > 16384) throw InvalidParameterValue('User data is limited to 16384 bytes');
  return data;
}

/** Tags for the new instances, from TagSpecification.N where ResourceType is instance. */
export function instanceTagSpecs(p: Ec2Params): Ec2Tag[] {
  return p.structs('TagSpecification').filter((s) => s.str('ResourceType') === 'instance').flatMap((s) => s.tags());
}

export async function runInstances(ctx: RequestContext, p: Ec2Params) {
  const imageId = p.str('ImageId');
  if (!imageId) throw MissingParameter('The request must contain the parameter ImageId');
  if (!AMI_ID.test(imageId)) throw malformedAmiId(imageId);
  const min = p.int('MinCount');
  const max = p.int('MaxCount');
  if (min === undefined) throw MissingParameter('The request must contain the parameter MinCount');
  if (max === undefined) throw MissingParameter('The request must contain the parameter MaxCount');
  if (min < 1) throw InvalidParameterValue(`Value (${min}) for parameter minCount is invalid. Expected a value greater than or equal to 1.`);
  if (max < min) throw InvalidParameterValue(`Value (${max}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount (${min}).`);
  if (max > 20) {
    throw new AwsError('InstanceLimitExceeded', `You have requested more instances (${max}) than your current instance limit of 20 allows for the specified instance type.`, 400);
  }
  const options = metadataOptions(p);
  const data = userData(p);
  const tags = instanceTagSpecs(p);
  const clientToken = p.str('ClientToken');
  const state = ec2State(ctx.account);
  if (clientToken) {
    const earlier = regionInstances(ctx).filter((i) => i.clientToken === clientToken);
    if (earlier.length) return reservationShape(ctx.account, earlier[0].reservationId, earlier);
  }
  const profileSpec = p.struct('IamInstanceProfile');
  const resolved = profileSpec ? resolveProfile(ctx, profileSpec) : undefined;
  if (resolved) await authorizePassRole(ctx, resolved.role);
  dryRun(p);

  const now = new Date().toISOString();
  const reservationId = newEc2Id('r');
  const created: Instance[] = [];
  for (let n = 0; n < max; n++) {
    const i: Instance = {
      instanceId: newEc2Id('i'),
      reservationId,
      ownerId: ctx.account.accountId,
      region: ctx.region,
      availabilityZone: `${ctx.region}a`,
      imageId,
      instanceType: p.str('InstanceType') ?? 'm1.small',
      ...(p.str('KeyName') ? { keyName: p.str('KeyName') } : {}),
      state: 'pending',
      stateSince: now,
      launchTime: now,
      amiLaunchIndex: n,
      privateIpAddress: privateIp(),
      subnetId: p.str('SubnetId') ?? defaultId('subnet', ctx.account.accountId, ctx.region),
      vpcId: defaultId('vpc', ctx.account.accountId, ctx.region),
      securityGroupId: p.list('SecurityGroupId')[0] ?? defaultId('sg', ctx.account.accountId, ctx.region),
      ...(data ? { userData: data } : {}),
      tags: tags.map((t) => ({ ...t })),
      metadataOptions: options,
      ...(clientToken ? { clientToken } : {}),
    };
    state.instances[i.instanceId] = i;
    if (resolved) associate(ctx.account, i, resolved.profile);
    created.push(i);
  }
  return reservationShape(ctx.account, reservationId, created);
}

const INSTANCE_FILTERS: Record<string, (i: Instance, ctx: RequestContext) => Array<string | undefined>> = {
  'instance-id': (i) => [i.instanceId],
  'instance-state-name': (i) => [i.state],
  'instance-state-code': (i) => [String(STATE_CODES[i.state])],
  'iam-instance-profile.arn': (i, ctx) => [currentAssociation(ctx.account, i.instanceId)?.instanceProfileArn],
  'iam-instance-profile.id': (i, ctx) => [currentAssociation(ctx.account, i.instanceId)?.instanceProfileId],
  'image-id': (i) => [i.imageId],
  'instance-type': (i) => [i.instanceType],
  'reservation-id': (i) => [i.reservationId],
  'private-ip-address': (i) => [i.privateIpAddress],
  'availability-zone': (i) => [i.availabilityZone],
  'vpc-id': (i) => [i.vpcId],
  'subnet-id': (i) => [i.subnetId],
  'key-name': (i) => [i.keyName],
  'owner-id': (i) => [i.ownerId],
};

export function describeInstances(ctx: RequestContext, p: Ec2Params) {
  dryRun(p);
  const ids = p.list('InstanceId');
  const maxResults = p.int('MaxResults');
  if (ids.length && maxResults !== undefined) throw InvalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
    throw InvalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  }
  let instances = ids.length ? requireInstances(ctx, ids) : regionInstances(ctx);
  const fields = Object.fromEntries(Object.entries(INSTANCE_FILTERS).map(([k, f]) => [k, (i: Instance) => f(i, ctx)]));
  instances = applyFilters(instances, p.filters(), fields, (i) => i.tags);
  const start = p.str('NextToken') ? Number(Buffer.from(p.str('NextToken')!, 'base64').toString('utf8')) || 0 : 0;
  const page = maxResults ? instances.slice(start, start + maxResults) : instances;
  const next = maxResults && start + maxResults < instances.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
  const reservations: Array<{ id: string; instances: Instance[] }> = [];
  for (const i of page) {
    const r = reservations.find((x) => x.id === i.reservationId);
    if (r) r.instances.push(i);
    else reservations.push({ id: i.reservationId, instances: [i] });
  }
  return { reservationSet: reservations.map((r) => reservationShape(ctx.account, r.id, r.instances)), ...(next ? { nextToken: next } : {}) };
}

export function terminateInstances(ctx: RequestContext, p: Ec2Params) {
  const ids = p.list('InstanceId');
  if (!ids.length) throw MissingParameter('The request must contain the parameter InstanceId');
  const instances = requireInstances(ctx, ids);
  dryRun(p);
  return {
    instancesSet: instances.map((i) => {
      const previous = stateShape(i);
      if (!isGone(i)) {
        setState(i, 'shutting-down');
        instanceTerminated(ctx.emulator, ctx.account.accountId, i.instanceId);
      }
      return { instanceId: i.instanceId, currentState: stateShape(i), previousState: previous };
    }),
  };
}

export function modifyInstanceMetadataOptions(ctx: RequestContext, p: Ec2Params) {
  const [i] = requireInstances(ctx, [p.required('InstanceId')]);
  dryRun(p);
  const tokens = p.str('HttpTokens');
  const endpoint = p.str('HttpEndpoint');
  const hops = p.int('HttpPutResponseHopLimit');
  if (tokens) {
    if (tokens !== 'optional' && tokens !== 'required') throw InvalidParameterValue(`Value (${tokens}) for parameter HttpTokens is invalid. Valid values: optional, required`);
    i.metadataOptions.httpTokens = tokens;
  }
  if (endpoint) {
    if (endpoint !== 'enabled' && endpoint !== 'disabled') throw InvalidParameterValue(`Value (${endpoint}) for parameter HttpEndpoint is invalid. Valid values: enabled, disabled`);
    i.metadataOptions.httpEndpoint = endpoint;
  }
  if (hops !== undefined) i.metadataOptions.httpPutResponseHopLimit = hops;
  const shape = instanceShape(ctx.account, i).metadataOptions;
  return { instanceId: i.instanceId, instanceMetadataOptions: { ...shape, state: 'pending' } };
}

/** DescribeInstanceAttribute for the attributes the labs read (userData: where hard-coded keys hide). */
export function describeInstanceAttribute(ctx: RequestContext, p: Ec2Params) {
  const [i] = requireInstances(ctx, [p.required('InstanceId')]);
  const attribute = p.required('Attribute');
  dryRun(p);
  const value = (v: string | undefined) => (v === undefined ? {} : { value: v });
  switch (attribute) {
    case 'userData':
      return { instanceId: i.instanceId, userData: value(i.userData) };
    case 'instanceType':
      return { instanceId: i.instanceId, instanceType: value(i.instanceType) };
    case 'disableApiTermination':
      return { instanceId: i.instanceId, disableApiTermination: { value: false } };
    default:
      throw InvalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Supported here: userData, instanceType, disableApiTermination`);
  }
}
