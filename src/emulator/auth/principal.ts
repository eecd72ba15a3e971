/** Who signed a request, as resolved from its access key. */
import type { StsSession } from '../sts/models.js';

interface PrincipalBase {
  accountId: string;
  /** The ARN AWS reports for this caller (GetCallerIdentity, AccessDenied messages). */
  arn: string;
  /** aws:userid as AWS fills it */
  userId: string;
  accessKeyId: string;
  /** Set when the caller authenticated with MFA (sessions from GetSessionToken/AssumeRole with MFA). */
  mfaAuthenticatedAt?: string;
  session?: StsSession;
}

export interface RootPrincipal extends PrincipalBase {
  kind: 'root';
}

export interface UserPrincipal extends PrincipalBase {
  kind: 'user';
  userName: string;
}

export interface AssumedRolePrincipal extends PrincipalBase {
  kind: 'assumed-role';
  roleName: string;
  roleArn: string;
  roleId: string;
  sessionName: string;
}

/** GetFederationToken sessions: the calling user's permissions narrowed by the session policy. */
export interface FederatedUserPrincipal extends PrincipalBase {
  kind: 'federated-user';
  federatedName: string;
  /** the IAM user whose credentials asked for the token; undefined when the account root did */
  userName?: string;
}

/** Unsigned requests (S3, and STS's AssumeRoleWithWebIdentity/SAML): only a resource policy or a token can allow them. */
export interface AnonymousPrincipal extends PrincipalBase {
  kind: 'anonymous';
}

export type Principal = RootPrincipal | UserPrincipal | AssumedRolePrincipal | FederatedUserPrincipal | AnonymousPrincipal;

export function rootPrincipal(accountId: string, accessKeyId: string): RootPrincipal {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId };
}

export function anonymousPrincipal(accountId: string): AnonymousPrincipal {
  return { kind: 'anonymous', accountId, arn: '*', userId: 'anonymous', accessKeyId: '' };
}
