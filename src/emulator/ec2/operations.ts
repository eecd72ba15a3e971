/** EC2's routing table. */
import type { Ec2Params } from '../protocol/ec2-query.js';
import type { ServiceOperation } from '../protocol/service-operation.js';

export const ec2Operations: Record<string, ServiceOperation<Ec2Params>> = Object.create(null);
