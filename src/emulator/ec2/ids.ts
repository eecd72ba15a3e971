/** EC2 resource ids and the account's default network (one default VPC, subnet and security group per region). */
import crypto from 'node:crypto';

export const newEc2Id = (prefix: string): string => `${prefix}-${crypto.randomBytes(9).toString('hex').slice(0, 17)}`;

/** A stable id derived from the account and region, for the default VPC, subnet and security group. */
export function defaultId(prefix: string, accountId: string, region: string): string {
  return `${prefix}-${crypto.createHash('sha256').update(`${prefix}/${accountId}/${region}`).digest('hex').slice(0, 17)}`;
}

export const INSTANCE_ID = /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
export const AMI_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

export const instanceArn = (region: string, accountId: string, id: string) => `arn:aws:ec2:${region}:${accountId}:instance/${id}`;

/** IPv4 addresses of the default subnet 172.31.0.0/16 (never the network or broadcast address). */
export function privateIp(): string {
  const b = crypto.randomBytes(2);
  return `172.31.${b[0] % 256}.${(b[1] % 253) + 1}`;
}

export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}
