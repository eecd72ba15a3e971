/** Access Analyzer's errors (REST-JSON, `message` plus the members each error shape requires). */
import { AwsError } from '../errors.js';

export function validationError(message: string, field?: string): AwsError {
  return new AwsError('ValidationException', message, 400, 'Sender', {
    reason: 'fieldValidationFailed',
    ...(field ? { fieldList: [{ name: field, message }] } : {}),
  } as unknown as Record<string, string>);
}

export function notFound(message: string, resourceId: string, resourceType: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 404, 'Sender', { resourceId, resourceType });
}

export function conflict(message: string, resourceId: string, resourceType: string): AwsError {
  return new AwsError('ConflictException', message, 409, 'Sender', { resourceId, resourceType });
}

/** A quota met (HTTP 402 in the model, with the resource that would have gone over it). */
export function quotaExceeded(message: string, resourceId: string, resourceType: string): AwsError {
  return new AwsError('ServiceQuotaExceededException', message, 402, 'Sender', { resourceId, resourceType });
}
