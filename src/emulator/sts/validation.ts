/**
 * STS's model constraints, reported as STS reports them: one ValidationError (400) listing every
 * violated member in the order of the operation's model, each message quoting the value
 * ("2 validation errors detected: Value 'a' at 'roleSessionName' …; Value '600' at 'durationSeconds' …").
 * The collector is IAM's (one implementation); only the rules below are STS's own.
 */
import { PATTERNS, Violations, type Pattern } from '../iam/constraints.js';

/** A fresh collector for one STS request. */
export const stsViolations = (): Violations => new Violations({ echoValues: true });

const pattern = (re: RegExp, text: string): Pattern => ({ re, text });

/** Member rules of the STS model (botocore's sts 2011-06-15), by the shape they share. */
export const STS_RULES = {
  roleArn: { min: 20, max: 2048 },
  roleSessionName: { min: 2, max: 64, pattern: pattern(/^[\w+=,.@-]*$/, '[\\w+=,.@-]*') },
  externalId: { min: 2, max: 1224, pattern: pattern(/^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*') },
  serialNumber: { min: 9, max: 256, pattern: pattern(/^[\w+=/:,.@-]*$/, '[\\w+=/:,.@-]*') },
  tokenCode: { min: 6, max: 6, pattern: pattern(/^\d*$/, '[\\d]*') },
  federatedName: { min: 2, max: 32, pattern: pattern(/^[\w+=,.@-]*$/, '[\\w+=,.@-]*') },
  accessKeyId: { min: 16, max: 128, pattern: pattern(/^\w*$/, '[\\w]*') },
  /** AssumeRole's Policy has no upper bound in the model (the packed size is checked later). */
  assumeRolePolicy: { min: 1, pattern: PATTERNS.document },
  /** The other operations' Policy: at most 2,048 characters. */
  sessionPolicy: { min: 1, max: 2048, pattern: PATTERNS.document },
  webIdentityToken: { min: 4, max: 20000 },
  providerId: { min: 4, max: 2048 },
  samlAssertion: { min: 4, max: 100000 },
} as const;

/** SerialNumber and TokenCode, which AssumeRole and GetSessionToken both take last. */
export function checkMfaParams(v: Violations, serial: string | undefined, code: string | undefined): Violations {
  return v.string(serial, 'serialNumber', STS_RULES.serialNumber).string(code, 'tokenCode', STS_RULES.tokenCode);
}
