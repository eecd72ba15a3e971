/**
 * Blinding the AWS SDK in this process to the learner's AWS setup. Kept apart from sdk-clients.ts so
 * commands that never build a client (check on a grading host, list, env…) do not load the SDK.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every setting the AWS CLI (v1 and v2), botocore and the AWS SDKs read from the environment
 * (botocore's configprovider and credentials, the CLI's own, the JavaScript SDK's), plus the
 * per-service endpoint variables AWS_ENDPOINT_URL_<SERVICE>: credentials, profiles, config
 * files, endpoints, CA bundles, metadata and container credential services, telemetry. `iam-labs
 * env` unsets them all before it sets the lab's own.
 */
export const AWS_CLIENT_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CREDENTIAL_FILE', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_SDK_LOAD_CONFIG', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_CA_BUNDLE', 'AWS_DATA_PATH',
  'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  'AWS_EC2_METADATA_V1_DISABLED', 'AWS_IMDS_USE_IPV6', 'AWS_METADATA_SERVICE_TIMEOUT', 'AWS_METADATA_SERVICE_NUM_ATTEMPTS',
  'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_STS_REGIONAL_ENDPOINTS', 'AWS_S3_US_EAST_1_REGIONAL_ENDPOINT',
  'AWS_S3_USE_ARN_REGION', 'AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS', 'AWS_S3_DISABLE_EXPRESS_SESSION_AUTH',
  'AWS_ENDPOINT_DISCOVERY_ENABLED', 'AWS_DISABLE_HOST_PREFIX_INJECTION', 'AWS_CSM_ENABLED', 'AWS_CSM_HOST', 'AWS_CSM_PORT',
  'AWS_CSM_CLIENT_ID', 'AWS_ACCOUNT_ID', 'AWS_ACCOUNT_ID_ENDPOINT_MODE', 'AWS_AUTH_SCHEME_PREFERENCE',
  'AWS_SIGV4A_SIGNING_REGION_SET', 'AWS_DEFAULTS_MODE', 'AWS_RETRY_MODE', 'AWS_MAX_ATTEMPTS',
  'AWS_REQUEST_CHECKSUM_CALCULATION', 'AWS_RESPONSE_CHECKSUM_VALIDATION', 'AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES',
  'AWS_DISABLE_REQUEST_COMPRESSION', 'AWS_SDK_UA_APP_ID', 'AWS_LOGIN_CACHE_DIRECTORY', 'AWS_EXECUTION_ENV',
  'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_DEFAULT_OUTPUT', 'AWS_PAGER', 'AWS_CLI_FILE_ENCODING', 'AWS_CLI_AUTO_PROMPT',
  'AWS_NODEJS_CONNECTION_REUSE_ENABLED',
] as const;

/** Our own notice switch (sdk-clients.ts) is the one AWS_* variable the runner keeps. */
const KEEP = new Set(['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']);
const isAwsSetting = (k: string) => /^AWS_/i.test(k) && !KEEP.has(k);

/**
 * A copy of `env` without any AWS_* variable: what the processes the runner spawns get (the
 * emulator, moto_server, the lab shell before it adds the lab's own), so none of the learner's
 * AWS settings can point them elsewhere.
 */
export function withoutAwsSettings(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !isAwsSetting(k)));
}

/**
 * Make the SDK inside this process blind to the learner's AWS setup: settings the SDK reads
 * lazily (retry mode, checksums…) come from an empty config file in the state directory.
 */
export function isolateSdkEnvironment(emptyConfigFile: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const k of Object.keys(env)) if (isAwsSetting(k)) delete env[k];
  fs.mkdirSync(path.dirname(emptyConfigFile), { recursive: true });
  if (!fs.existsSync(emptyConfigFile)) fs.writeFileSync(emptyConfigFile, '', { mode: 0o600 });
  env.AWS_CONFIG_FILE = emptyConfigFile;
  env.AWS_SHARED_CREDENTIALS_FILE = emptyConfigFile;
  env.AWS_EC2_METADATA_DISABLED = 'true';
}
