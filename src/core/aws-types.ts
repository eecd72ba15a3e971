/**
 * What every layer says about AWS without talking to it: credentials, the SDK clients a lab is
 * graded with, and what a backend can show. Types only: importing this loads no SDK.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** SDK v3 clients pointed at one backend with one set of credentials (core/sdk-clients.ts). */
export interface LabClients {
  iam: IAMClient;
  sts: STSClient;
  s3: S3Client;
}

/** What a backend can show; conditions that need a missing capability are "not verifiable". */
export interface Capabilities {
  enforcesIam: boolean;
  recordsAccessKeyLastUsed: boolean;
  recordsRoleLastUsed: boolean;
  bucketPolicies: boolean;
  /** CloudTrail's event history of the account's management calls (LookupEvents) */
  cloudTrail: boolean;
  /** IAM Access Analyzer: analyzers and their external-access findings */
  accessAnalyzer: boolean;
  /** history a lab seeds in the past (the signed x-iam-labs-request-time header: event times, key last use) */
  backdatedHistory: boolean;
  /** permissions boundaries on IAM users (PutUserPermissionsBoundary; moto has them only on roles) */
  userPermissionsBoundaries: boolean;
  /**
   * Whether GetLoginProfile reports PasswordResetRequired as set (moto ignores the flag).
   * Absent means yes.
   */
  recordsPasswordResetRequired?: boolean;
}
