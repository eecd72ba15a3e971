/** Lambda's errors (REST-JSON; the body carries `Type` and the message). */
import { AwsError } from '../errors.js';

export const InvalidParameterValue = (m: string) => new AwsError('InvalidParameterValueException', m, 400);
export const ResourceConflict = (m: string) => new AwsError('ResourceConflictException', m, 409);
export const ResourceNotFound = (m: string) => new AwsError('ResourceNotFoundException', m, 404);
export const ValidationError = (m: string) => new AwsError('ValidationException', m, 400);
export const InvalidRequestContent = (m: string) => new AwsError('InvalidRequestContentException', m, 400);
export const RequestTooLarge = (m: string) => new AwsError('RequestTooLargeException', m, 413);
export const ServiceError = (m: string) => new AwsError('ServiceException', m, 500, 'Receiver');

export const ROLE_CANNOT_BE_ASSUMED = 'The role defined for the function cannot be assumed by Lambda.';
