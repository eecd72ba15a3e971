/** Who the lab's root credentials are on a backend: the account id graders read ARNs from. */
import type { Credentials } from '../core/aws-types.js';

export async function callerIdentity(endpoint: string, credentials: Credentials, region: string): Promise<{ account: string; arn: string }> {
  // loaded here, not at module load: attaching to a backend must not pull in the SDK
  const [{ GetCallerIdentityCommand }, { makeClients }] = await Promise.all([import('@aws-sdk/client-sts'), import('../core/sdk-clients.js')]);
  const { sts } = makeClients(endpoint, credentials, region);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } finally {
    sts.destroy();
  }
}
