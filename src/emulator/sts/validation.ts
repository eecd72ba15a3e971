/** STS parameter checks, with the messages STS returns (ValidationError, 400). */
import { ValidationError } from '../errors.js';

export function lengthBetween(value: string, member: string, min: number, max: number): void {
  if (value.length < min) {
    throw new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
  }
  if (value.length > max) {
    throw new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
}

export function matches(value: string, member: string, re: RegExp, pattern: string): void {
  if (!re.test(value)) {
    throw new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`);
  }
}

export function valueBetween(value: number, member: string, min: number, max: number): void {
  if (value < min) {
    throw new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  }
  if (value > max) {
    throw new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
}

export function checkRoleSessionName(name: string): void {
  lengthBetween(name, 'roleSessionName', 2, 64);
  matches(name, 'roleSessionName', /^[\w+=,.@-]*$/, '[\\w+=,.@-]*');
}

export function checkExternalId(id: string): void {
  lengthBetween(id, 'externalId', 2, 1224);
  matches(id, 'externalId', /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*');
}

export function checkMfaParams(serial: string | undefined, code: string | undefined): void {
  if (serial !== undefined) {
    lengthBetween(serial, 'serialNumber', 9, 256);
    matches(serial, 'serialNumber', /^[\w+=/:,.@-]*$/, '[\\w+=/:,.@-]*');
  }
  if (code !== undefined) {
    lengthBetween(code, 'tokenCode', 6, 6);
    matches(code, 'tokenCode', /^\d*$/, '[\\d]*');
  }
}
