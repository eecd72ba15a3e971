/** EC2 on its Query protocol. */
import { AwsError } from '../errors.js';
import { Ec2QueryService } from '../protocol/ec2-query-service.js';
import { ec2Operations } from './operations.js';

export const ec2Service = new Ec2QueryService({
  operations: ec2Operations,
  denied: (_ctx, err) => new AwsError('UnauthorizedOperation', `You are not authorized to perform this operation. ${err.message}`, 403),
});
