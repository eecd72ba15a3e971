/**
 * AWS service errors. One class per AWS error code, so handlers read like the AWS docs
 * ("throw new NoSuchEntity(...)") and the protocol layer serializes every error in one place.
 */
export type ErrorType = 'Sender' | 'Receiver';

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly type: ErrorType = 'Sender',
    /** Extra fields S3 puts in its <Error> body (BucketName, Key, …). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

const define = (code: string, status: number, type: ErrorType = 'Sender') =>
  class extends AwsError {
    constructor(message: string, extra: Record<string, string> = {}) {
      super(code, message, status, type, extra);
    }
  };

// IAM
export const NoSuchEntity = define('NoSuchEntity', 404);
export const EntityAlreadyExists = define('EntityAlreadyExists', 409);
export const DeleteConflict = define('DeleteConflict', 409);
export const LimitExceeded = define('LimitExceeded', 409);
export const ValidationError = define('ValidationError', 400);
export const InvalidInput = define('InvalidInput', 400);
export const MalformedPolicyDocument = define('MalformedPolicyDocument', 400);
export const PasswordPolicyViolation = define('PasswordPolicyViolation', 400);
export const InvalidAuthenticationCode = define('InvalidAuthenticationCode', 403);
export const EntityTemporarilyUnmodifiable = define('EntityTemporarilyUnmodifiable', 409);
export const ReportInProgress = define('ReportInProgress', 404);
export const CredentialReportNotPresent = define('ReportNotPresent', 410);
export const ServiceFailure = define('ServiceFailure', 500, 'Receiver');
export const PolicyEvaluation = define('PolicyEvaluation', 500, 'Receiver');

// Shared by the Query services
export const AccessDenied = define('AccessDenied', 403);
export const InvalidAction = define('InvalidAction', 400);
export const MissingAction = define('MissingAction', 400);
export const InvalidParameterValue = define('InvalidParameterValue', 400);
export const MissingParameter = define('MissingParameter', 400);
export const InvalidClientTokenId = define('InvalidClientTokenId', 403);
export const SignatureDoesNotMatch = define('SignatureDoesNotMatch', 403);
export const IncompleteSignature = define('IncompleteSignature', 400);
export const MissingAuthenticationToken = define('MissingAuthenticationToken', 403);
export const ExpiredToken = define('ExpiredToken', 400);
export const RequestEntityTooLarge = define('RequestEntityTooLarge', 413);
export const InternalFailure = define('InternalFailure', 500, 'Receiver');
export const UnknownService = define('UnknownService', 400);

// STS
export const MalformedPolicyDocumentSts = MalformedPolicyDocument;
export const PackedPolicyTooLarge = define('PackedPolicyTooLarge', 400);
export const RegionDisabled = define('RegionDisabled', 403);

// S3 (REST-XML): codes, statuses as the S3 API reference lists them
export const NoSuchBucket = define('NoSuchBucket', 404);
export const NoSuchKey = define('NoSuchKey', 404);
export const NoSuchUpload = define('NoSuchUpload', 404);
export const NoSuchBucketPolicy = define('NoSuchBucketPolicy', 404);
export const BucketAlreadyExists = define('BucketAlreadyExists', 409);
export const BucketAlreadyOwnedByYou = define('BucketAlreadyOwnedByYou', 409);
export const BucketNotEmpty = define('BucketNotEmpty', 409);
export const InvalidBucketName = define('InvalidBucketName', 400);
export const InvalidLocationConstraint = define('InvalidLocationConstraint', 400);
export const IllegalLocationConstraintException = define('IllegalLocationConstraintException', 400);
export const InvalidRange = define('InvalidRange', 416);
export const InvalidArgument = define('InvalidArgument', 400);
export const InvalidRequest = define('InvalidRequest', 400);
export const InvalidPart = define('InvalidPart', 400);
export const InvalidPartOrder = define('InvalidPartOrder', 400);
export const EntityTooSmall = define('EntityTooSmall', 400);
export const EntityTooLarge = define('EntityTooLarge', 400);
export const KeyTooLongError = define('KeyTooLongError', 400);
export const MalformedXML = define('MalformedXML', 400);
export const MalformedPolicy = define('MalformedPolicy', 400);
export const BadDigest = define('BadDigest', 400);
export const InvalidDigest = define('InvalidDigest', 400);
export const IncompleteBody = define('IncompleteBody', 400);
export const PreconditionFailed = define('PreconditionFailed', 412);
export const NotModified = define('NotModified', 304);
export const MethodNotAllowed = define('MethodNotAllowed', 405);
export const NotImplemented = define('NotImplemented', 501, 'Receiver');
export const XAmzContentSHA256Mismatch = define('XAmzContentSHA256Mismatch', 400);
export const RequestTimeout = define('RequestTimeout', 400);
