/** ECR repositories (regional, keyed by `region:name`) with their policies and image manifests. */
import { emptyRecord, type KeyedRecord, reviveRecord, serviceState } from '../state/records.js';

export interface EcrImage {
  digest: string;
  manifest: string;
  mediaType: string;
  pushedAt: string;
  sizeInBytes: number;
}

export interface Repository {
  name: string;
  arn: string;
  region: string;
  registryId: string;
  uri: string;
  createdAt: string;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryptionType: string;
  policy?: string;
  /** by digest */
  images: KeyedRecord<EcrImage>;
  /** tag → digest */
  imageTags: KeyedRecord<string>;
  tags: Array<{ Key: string; Value: string }>;
}

export interface EcrState {
  repositories: KeyedRecord<Repository>;
}

export const repositoryKey = (region: string, name: string): string => `${region}:${name}`;

/** The account's EcrState (the account type names this field; naming the account here would make a cycle). */
export function ecrState(account: { ecr?: EcrState }): EcrState {
  return serviceState(
    account,
    'ecr',
    () => ({ repositories: emptyRecord<Repository>() }),
    (s) => ({
      repositories: reviveRecord<Repository>(s.repositories, (r) => ({ ...r, images: reviveRecord<EcrImage>(r.images), imageTags: reviveRecord<string>(r.imageTags) })),
    }),
  );
}
