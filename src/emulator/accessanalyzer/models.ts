/** IAM Access Analyzer's analyzers and findings in one account (analyzers are regional, keyed by ARN). */
import { emptyRecord, type KeyedRecord, reviveRecord, serviceState } from '../state/records.js';

export type AnalyzerType = 'ACCOUNT' | 'ORGANIZATION' | 'ACCOUNT_UNUSED_ACCESS' | 'ORGANIZATION_UNUSED_ACCESS' | 'ACCOUNT_INTERNAL_ACCESS' | 'ORGANIZATION_INTERNAL_ACCESS';
export type FindingStatus = 'ACTIVE' | 'ARCHIVED' | 'RESOLVED';

export interface Analyzer {
  arn: string;
  name: string;
  type: AnalyzerType;
  region: string;
  createdAt: string;
  status: 'ACTIVE';
  tags: KeyedRecord<string>;
  lastResourceAnalyzed?: string;
  lastResourceAnalyzedAt?: string;
}

export interface Finding {
  id: string;
  analyzerArn: string;
  resource: string;
  resourceType: string;
  resourceOwnerAccount: string;
  principal: KeyedRecord<string>;
  action: string[];
  condition: KeyedRecord<string>;
  isPublic: boolean;
  sources?: Array<{ type: string }>;
  status: FindingStatus;
  createdAt: string;
  updatedAt: string;
  analyzedAt: string;
  /** identifies "the same access" across re-analyses: resource + principal + condition */
  accessKey: string;
}

export interface AccessAnalyzerState {
  analyzers: KeyedRecord<Analyzer>;
  findings: KeyedRecord<Finding>;
}

/** The account's AccessAnalyzerState (the account type names this field; naming the account here would make a cycle). */
export function accessAnalyzerState(account: { accessanalyzer?: AccessAnalyzerState }): AccessAnalyzerState {
  return serviceState(
    account,
    'accessanalyzer',
    () => ({ analyzers: emptyRecord<Analyzer>(), findings: emptyRecord<Finding>() }),
    (s) => ({
      analyzers: reviveRecord<Analyzer>(s.analyzers, (a) => ({ ...a, tags: reviveRecord<string>(a.tags) })),
      findings: reviveRecord<Finding>(s.findings, (f) => ({ ...f, principal: reviveRecord<string>(f.principal), condition: reviveRecord<string>(f.condition) })),
    }),
  );
}
