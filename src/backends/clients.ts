/**
 * The one place SDK clients are built. Explicit endpoint, explicit credentials, explicit region:
 * never the default provider chain, never AWS_* from the environment, never ~/.aws.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials, LabClients } from '../graders/types.js';

export { isolateSdkEnvironment } from './sdk-env.js';

export function makeClients(endpoint: string, credentials: Credentials, region: string): LabClients {
  // the SDK checks for exactly "true"; the warning about Node 20 is not the learner's business
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const common = {
    endpoint,
    region,
    credentials: { ...credentials },
    maxAttempts: 2,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
  };
  return {
    iam: new IAMClient(common),
    sts: new STSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}
