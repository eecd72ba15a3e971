import type { AccessAnalyzerState } from '../accessanalyzer/models.js';
import type { CloudTrailState } from '../cloudtrail/models.js';
import type { Ec2State } from '../ec2/models.js';
import type { EcrState } from '../ecr/models.js';
import { emptyIamState, reviveIamState, type IamState } from '../iam/models.js';
import type { LambdaState } from '../lambda/models.js';
import { emptyS3State, type S3State } from '../s3/models.js';
import { emptyStsState, reviveStsState, type StsState } from '../sts/models.js';

/** Everything one emulated AWS account holds. */
export interface AccountState {
  accountId: string;
  iam: IamState;
  s3: S3State;
  sts: StsState;
  /**
   * The workload and audit services, created on first use (through each service's accessor,
   * e.g. ec2State(account)) so state files written before they existed still load.
   */
  cloudtrail?: CloudTrailState;
  accessanalyzer?: AccessAnalyzerState;
  ec2?: Ec2State;
  lambda?: LambdaState;
  ecr?: EcrState;
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

/** An account as loaded from a state file: every map a newer version added since, null-prototype maps. */
export function loadedAccount(account: AccountState): AccountState {
  const empty = emptyAccount(account.accountId);
  return reviveAccount({
    ...account,
    iam: Object.assign(empty.iam, account.iam),
    s3: Object.assign(empty.s3, account.s3),
    sts: Object.assign(empty.sts, account.sts),
  });
}
