/**
 * Blinding the AWS SDK in this process to the learner's AWS setup. Kept apart from sdk-clients.ts so
 * commands that never build a client (check on a grading host, list, env…) do not load the SDK.
 */
import fs from 'node:fs';
import path from 'node:path';

/** AWS_* variables that could point the SDK elsewhere; removed from the runner's own process. */
const REDIRECTING = /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|ENDPOINT_URL.*|CONFIG_FILE|SHARED_CREDENTIALS_FILE|CREDENTIAL_EXPIRATION|ROLE_ARN|ROLE_SESSION_NAME|WEB_IDENTITY_TOKEN_FILE|CONTAINER_.*|EC2_METADATA_.*|USE_FIPS_ENDPOINT|USE_DUALSTACK_ENDPOINT|IGNORE_CONFIGURED_ENDPOINT_URLS)$/;

/** A copy of `env` without the AWS_* settings that could point a client (or a server) elsewhere. */
export function withoutAwsSettings(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !REDIRECTING.test(k)));
}

/**
 * Make the SDK inside this process blind to the learner's AWS setup: settings the SDK reads
 * lazily (retry mode, checksums…) come from an empty config file in the state directory.
 */
export function isolateSdkEnvironment(emptyConfigFile: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const k of Object.keys(env)) if (REDIRECTING.test(k)) delete env[k];
  fs.mkdirSync(path.dirname(emptyConfigFile), { recursive: true });
  if (!fs.existsSync(emptyConfigFile)) fs.writeFileSync(emptyConfigFile, '', { mode: 0o600 });
  env.AWS_CONFIG_FILE = emptyConfigFile;
  env.AWS_SHARED_CREDENTIALS_FILE = emptyConfigFile;
  env.AWS_EC2_METADATA_DISABLED = 'true';
}
