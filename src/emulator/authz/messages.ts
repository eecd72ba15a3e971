/** How AccessDenied reads in each protocol. */
import type { EvaluationResult } from '../../policy/types.js';
import { accessDeniedMessage } from '../../policy/index.js';
import { AccessDenied, AwsError } from '../errors.js';

/** S3's bare message, still what S3 returns for cross-account and anonymous requests. */
export const S3_ACCESS_DENIED = 'Access Denied';

/**
 * The error a denied request gets. IAM/STS: AWS's full sentence. S3: the same sentence with the
 * resource quoted for same-account callers (S3's extended messages since 2024); a bare
 * "Access Denied" for anonymous and cross-account callers, as S3 still answers them.
 */
export function accessDeniedError(
  service: string,
  result: EvaluationResult,
  req: { principalArn: string; action: string; resource: string; sameAccount: boolean; anonymous: boolean },
): AwsError {
  if (service !== 's3') return new AccessDenied(result.awsMessage);
  if (req.anonymous || !req.sameAccount || !result.deniedBy || result.deniedBy === 'no-allow') {
    return new AwsError('AccessDenied', S3_ACCESS_DENIED, 403);
  }
  const message = accessDeniedMessage({
    principalArn: req.principalArn,
    action: req.action,
    resource: req.resource,
    explicit: result.decision === 'ExplicitlyDenied',
    deniedBy: result.deniedBy,
    quoteResource: true,
    policyArn: result.decision === 'ExplicitlyDenied' ? result.deciding.find((d) => d.kind === result.deniedBy)?.arn : undefined,
  });
  return new AwsError('AccessDenied', message, 403);
}

/** One line for the denial log (stderr of `iam-labs emulator`). */
export function denialLine(principalArn: string, action: string, resource: string, result: EvaluationResult): string {
  return `AccessDenied ${principalArn} ${action} ${resource}: ${result.reason}`;
}
