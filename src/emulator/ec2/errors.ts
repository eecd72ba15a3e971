/** EC2's error codes, worded as EC2 words them. */
import { AwsError } from '../errors.js';

const err = (code: string, status = 400) => (message: string) => new AwsError(code, message, status);

export const InvalidParameterValue = err('InvalidParameterValue');
export const InvalidParameterCombination = err('InvalidParameterCombination');
export const MissingParameter = err('MissingParameter');
export const IncorrectState = err('IncorrectState');
export const IncorrectInstanceState = err('IncorrectInstanceState');
export const InvalidAssociationNotFound = err('InvalidAssociationID.NotFound');
export const DryRunOperation = () => new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

export function invalidInstanceIds(ids: string[]): AwsError {
  return ids.length === 1
    ? new AwsError('InvalidInstanceID.NotFound', `The instance ID '${ids[0]}' does not exist`, 400)
    : new AwsError('InvalidInstanceID.NotFound', `The instance IDs '${ids.join(', ')}' do not exist`, 400);
}

export function malformedInstanceId(id: string): AwsError {
  return new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
}

export function malformedAmiId(id: string): AwsError {
  return new AwsError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`, 400);
}
