import { emptyIamState, type IamState } from '../iam/models.js';
import { emptyS3State, type S3State } from '../s3/models.js';
import { emptyStsState, type StsState } from '../sts/models.js';

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
