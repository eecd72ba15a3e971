/** Emulated EC2 instances and their IAM instance profile associations, per account (instances are regional). */
import { emptyRecord, type KeyedRecord, reviveRecord, serviceState } from '../state/records.js';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Ec2Tag {
  Key: string;
  Value: string;
}

export interface MetadataOptions {
  httpTokens: 'optional' | 'required';
  httpEndpoint: 'enabled' | 'disabled';
  httpPutResponseHopLimit: number;
}

export interface Instance {
  instanceId: string;
  reservationId: string;
  ownerId: string;
  region: string;
  availabilityZone: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  state: InstanceStateName;
  /** when `state` was entered (pending → running and shutting-down → terminated move on read) */
  stateSince: string;
  launchTime: string;
  amiLaunchIndex: number;
  privateIpAddress: string;
  subnetId: string;
  vpcId: string;
  securityGroupId: string;
  /** base64, exactly as RunInstances received it */
  userData?: string;
  tags: Ec2Tag[];
  metadataOptions: MetadataOptions;
  clientToken?: string;
  /** the role session the instance's metadata service hands out (refreshed before it expires) */
  imdsCredentials?: ImdsCredentials;
}

export interface ImdsCredentials {
  accessKeyId: string;
  roleName: string;
  issuedAt: string;
  /** "2.0" when last fetched with an IMDSv2 token, "1.0" without (CloudTrail's ec2RoleDelivery) */
  delivery: '1.0' | '2.0';
}

export type AssociationState = 'associating' | 'associated' | 'disassociating' | 'disassociated';

export interface ProfileAssociation {
  associationId: string;
  instanceId: string;
  instanceProfileArn: string;
  instanceProfileId: string;
  state: AssociationState;
  timestamp: string;
}

export interface Ec2State {
  instances: KeyedRecord<Instance>;
  associations: KeyedRecord<ProfileAssociation>;
}

/** The account's Ec2State (the account type names this field; naming the account here would make a cycle). */
export function ec2State(account: { ec2?: Ec2State }): Ec2State {
  return serviceState(
    account,
    'ec2',
    () => ({ instances: emptyRecord<Instance>(), associations: emptyRecord<ProfileAssociation>() }),
    (s) => ({ instances: reviveRecord<Instance>(s.instances), associations: reviveRecord<ProfileAssociation>(s.associations) }),
  );
}
