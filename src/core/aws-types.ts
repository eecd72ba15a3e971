/**
 * What every layer says about AWS without talking to it: credentials, the SDK clients a lab is
 * graded with, and what a backend can show. Types (and one naming rule): importing this loads no SDK.
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
  /**
   * The workload services lab 06 uses; absent means no. `ec2Instances`: RunInstances and instance
   * profile associations. `instanceMetadata`: each instance has a metadata service the runner can
   * reach (the instance shell, the role credentials of an instance). `lambda`: Lambda functions
   * can be created and read. `lambdaInvoke`: Invoke runs the function's code with its execution
   * role. `ecr`: ECR repositories and authorization tokens.
   */
  ec2Instances?: boolean;
  instanceMetadata?: boolean;
  lambda?: boolean;
  lambdaInvoke?: boolean;
  ecr?: boolean;
}

/**
 * The value `iam-labs instance-shell` gives AWS_EXECUTION_ENV: the AWS CLI and SDKs add it to
 * their User-Agent as `exec-env/<value>`, so the calls typed in that shell can be told apart in
 * CloudTrail (a grader then sees keys exported there instead of the instance's role).
 */
export function instanceShellExecEnv(instanceId: string): string {
  return `iam-labs-instance-shell-${instanceId}`;
}
