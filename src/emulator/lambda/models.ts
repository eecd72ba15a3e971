/** Lambda functions in one account, keyed by `region:name` (functions are regional). */
import { emptyRecord, type KeyedRecord, reviveRecord, serviceState } from '../state/records.js';

export interface LambdaFunction {
  name: string;
  arn: string;
  region: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: KeyedRecord<string>;
  architectures: string[];
  ephemeralStorage: number;
  /** the deployment package, base64 */
  zipFile: string;
  codeSha256: string;
  codeSize: number;
  /** Lambda's own timestamp format: 2024-01-02T03:04:05.678+0000 */
  lastModified: string;
  revisionId: string;
  tags: KeyedRecord<string>;
}

export interface LambdaState {
  functions: KeyedRecord<LambdaFunction>;
}

export const functionKey = (region: string, name: string): string => `${region}:${name}`;

/** The account's LambdaState (the account type names this field; naming the account here would make a cycle). */
export function lambdaState(account: { lambda?: LambdaState }): LambdaState {
  return serviceState(
    account,
    'lambda',
    () => ({ functions: emptyRecord<LambdaFunction>() }),
    (s) => ({
      functions: reviveRecord<LambdaFunction>(s.functions, (f) => ({ ...f, environment: reviveRecord<string>(f.environment), tags: reviveRecord<string>(f.tags) })),
    }),
  );
}
