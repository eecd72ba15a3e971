/**
 * S3 operation table: action → how it is authorized (service authorization reference: action and
 * resource type) and its handler.
 */
import type { S3OperationTable } from './operation.js';
import { deleteBucketPolicy, getBucketPolicy, putBucketPolicy } from './ops/bucket-policy.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets } from './ops/buckets.js';
import { listContext, listObjects, listObjectsV2 } from './ops/listing.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from './ops/multipart.js';
import { copyObject, deleteObject, deleteObjects, getObject, headObject, putObject } from './ops/objects.js';
import {
  deleteBucketOwnershipControls,
  getBucketAcl,
  getBucketOwnershipControls,
  getObjectAcl,
  putBucketAcl,
  putBucketOwnershipControls,
  putObjectAcl,
} from './ops/access-control.js';
import { deletePublicAccessBlock, getBucketPolicyStatus, getPublicAccessBlock, putPublicAccessBlock } from './ops/public-access.js';

const read = { mutating: false, needsBucket: true } as const;
const write = { mutating: true, needsBucket: true } as const;

export const s3Operations: S3OperationTable = {
  ListBuckets: { action: 's3:ListAllMyBuckets', resource: 'none', mutating: false, needsBucket: false, handler: listBuckets },
  CreateBucket: { action: 's3:CreateBucket', resource: 'bucket', mutating: true, needsBucket: false, handler: createBucket },
  HeadBucket: { ...read, action: 's3:ListBucket', resource: 'bucket', handler: headBucket },
  DeleteBucket: { ...write, action: 's3:DeleteBucket', resource: 'bucket', handler: deleteBucket },
  GetBucketLocation: { ...read, action: 's3:GetBucketLocation', resource: 'bucket', handler: getBucketLocation },
  GetBucketVersioning: { ...read, action: 's3:GetBucketVersioning', resource: 'bucket', handler: getBucketVersioning },
  GetBucketPolicy: { ...read, action: 's3:GetBucketPolicy', resource: 'bucket', handler: getBucketPolicy },
  PutBucketPolicy: { ...write, action: 's3:PutBucketPolicy', resource: 'bucket', handler: putBucketPolicy },
  DeleteBucketPolicy: { ...write, action: 's3:DeleteBucketPolicy', resource: 'bucket', handler: deleteBucketPolicy },
  ListObjectsV2: { ...read, action: 's3:ListBucket', resource: 'bucket', context: listContext, handler: listObjectsV2 },
  ListObjects: { ...read, action: 's3:ListBucket', resource: 'bucket', context: listContext, handler: listObjects },
  PutObject: { ...write, action: 's3:PutObject', resource: 'object', handler: putObject },
  GetObject: { ...read, action: 's3:GetObject', resource: 'object', handler: getObject },
  HeadObject: { ...read, action: 's3:GetObject', resource: 'object', handler: headObject },
  DeleteObject: { ...write, action: 's3:DeleteObject', resource: 'object', handler: deleteObject },
  DeleteObjects: { ...write, action: 'per-key', resource: 'bucket', handler: deleteObjects },
  CopyObject: { ...write, action: 's3:PutObject', resource: 'object', handler: copyObject },
  CreateMultipartUpload: { ...write, action: 's3:PutObject', resource: 'object', handler: createMultipartUpload },
  UploadPart: { ...write, action: 's3:PutObject', resource: 'object', handler: uploadPart },
  UploadPartCopy: { ...write, action: 's3:PutObject', resource: 'object', handler: uploadPartCopy },
  CompleteMultipartUpload: { ...write, action: 's3:PutObject', resource: 'object', handler: completeMultipartUpload },
  AbortMultipartUpload: { ...write, action: 's3:AbortMultipartUpload', resource: 'object', handler: abortMultipartUpload },
  ListParts: { ...read, action: 's3:ListMultipartUploadParts', resource: 'object', handler: listParts },
  ListMultipartUploads: { ...read, action: 's3:ListBucketMultipartUploads', resource: 'bucket', handler: listMultipartUploads },
  // Access control: ACLs, Object Ownership, Block Public Access, policy status.
  GetBucketAcl: { ...read, action: 's3:GetBucketAcl', resource: 'bucket', handler: getBucketAcl },
  PutBucketAcl: { ...write, action: 's3:PutBucketAcl', resource: 'bucket', handler: putBucketAcl },
  GetObjectAcl: { ...read, action: 's3:GetObjectAcl', resource: 'object', handler: getObjectAcl },
  PutObjectAcl: { ...write, action: 's3:PutObjectAcl', resource: 'object', handler: putObjectAcl },
  GetBucketOwnershipControls: { ...read, action: 's3:GetBucketOwnershipControls', resource: 'bucket', handler: getBucketOwnershipControls },
  PutBucketOwnershipControls: { ...write, action: 's3:PutBucketOwnershipControls', resource: 'bucket', handler: putBucketOwnershipControls },
  DeleteBucketOwnershipControls: { ...write, action: 's3:PutBucketOwnershipControls', resource: 'bucket', handler: deleteBucketOwnershipControls },
  GetPublicAccessBlock: { ...read, action: 's3:GetBucketPublicAccessBlock', resource: 'bucket', handler: getPublicAccessBlock },
  PutPublicAccessBlock: { ...write, action: 's3:PutBucketPublicAccessBlock', resource: 'bucket', handler: putPublicAccessBlock },
  DeletePublicAccessBlock: { ...write, action: 's3:PutBucketPublicAccessBlock', resource: 'bucket', handler: deletePublicAccessBlock },
  GetBucketPolicyStatus: { ...read, action: 's3:GetBucketPolicyStatus', resource: 'bucket', handler: getBucketPolicyStatus },
};
