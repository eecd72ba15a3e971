/** Lab 04 — Policies. */
import { defineLab } from '../types.js';
import { bucketPolicy } from './bucket-policy.js';
import { explicitDeny, sourceIpCondition } from './deny-and-conditions.js';
import { fixBucketArn, leastPrivilege } from './reader.js';
import { setupLab04, teardownLab04 } from './setup.js';

export const lab04 = defineLab({ id: '04-policies', setup: setupLab04, teardown: teardownLab04, steps: [fixBucketArn, leastPrivilege, explicitDeny, sourceIpCondition, bucketPolicy] });
