import { emptyIamState, reviveIamState, type IamState } from '../iam/models.js';
import { emptyS3State, type S3State } from '../s3/models.js';
import { emptyStsState, reviveStsState, type StsState } from '../sts/models.js';

/** Everything one emulated AWS account holds. */
export interface AccountState {
  accountId: string;
  iam: IamState;
  s3: S3State;
  sts: StsState;
}

export function emptyAccount(accountId: string): AccountState {
  return { accountId, iam: emptyIamState(), s3: emptyS3State(), sts: emptyStsState() };
}

/** An account read from a state file, brought to the current shape (maps added by later versions, null-prototype maps). */
export function reviveAccount(account: AccountState): AccountState {
  reviveIamState(account.iam);
  reviveStsState(account.sts);
  return account;
}
