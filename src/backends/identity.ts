/** Who the lab's root credentials are on a backend: the account id graders read ARNs from. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Credentials } from '../graders/types.js';
import { makeClients } from './clients.js';

export async function callerIdentity(endpoint: string, credentials: Credentials, region: string): Promise<{ account: string; arn: string }> {
  const { sts } = makeClients(endpoint, credentials, region);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } finally {
    sts.destroy();
  }
}
