/** Instances and reservations in EC2's XML shape (element names as EC2 writes them). */
import type { AccountState } from '../state/account.js';
import { STATE_CODES } from './lifecycle.js';
import type { Instance } from './models.js';
import { privateDnsName } from './ids.js';
import { currentAssociation } from './profiles.js';

export function stateShape(i: Pick<Instance, 'state'>) {
  return { code: STATE_CODES[i.state], name: i.state };
}

export function instanceShape(account: AccountState, i: Instance) {
  const assoc = currentAssociation(account, i.instanceId);
  const running = i.state !== 'terminated';
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: stateShape(i),
    privateDnsName: running ? privateDnsName(i.privateIpAddress, i.region) : '',
    dnsName: '',
    reason: i.state === 'terminated' || i.state === 'shutting-down' ? `User initiated (${i.stateSince.replace('T', ' ').replace(/\.\d+Z$/, ' GMT')})` : '',
    keyName: i.keyName,
    amiLaunchIndex: i.amiLaunchIndex,
    productCodes: [],
    instanceType: i.instanceType,
    launchTime: new Date(i.launchTime),
    placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: running ? i.subnetId : undefined,
    vpcId: running ? i.vpcId : undefined,
    privateIpAddress: running ? i.privateIpAddress : undefined,
    sourceDestCheck: true,
    groupSet: [{ groupId: i.securityGroupId, groupName: 'default' }],
    stateReason:
      i.state === 'pending'
        ? { code: 'pending', message: 'pending' }
        : i.state === 'terminated' || i.state === 'shutting-down'
          ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }
          : undefined,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: [],
    virtualizationType: 'hvm',
    clientToken: i.clientToken ?? '',
    tagSet: i.tags.length ? i.tags.map((t) => ({ key: t.Key, value: t.Value })) : undefined,
    hypervisor: 'xen',
    iamInstanceProfile: assoc ? { arn: assoc.instanceProfileArn, id: assoc.instanceProfileId } : undefined,
    ebsOptimized: false,
    enaSupport: true,
    metadataOptions: {
      state: i.state === 'pending' ? 'pending' : 'applied',
      httpTokens: i.metadataOptions.httpTokens,
      httpPutResponseHopLimit: i.metadataOptions.httpPutResponseHopLimit,
      httpEndpoint: i.metadataOptions.httpEndpoint,
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: 'disabled',
    },
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
  };
}

export function reservationShape(account: AccountState, reservationId: string, instances: Instance[]) {
  return {
    reservationId,
    ownerId: account.accountId,
    groupSet: [],
    instancesSet: instances.map((i) => instanceShape(account, i)),
  };
}
